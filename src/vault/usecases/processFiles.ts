// File artifacts handed to a process as paths: `kagi run --file VAR=NAME`, and the editor's
// `"files": {"VAR": "repo:name"}` on launches, tasks and terminals (docs/injection.md).
import { KagiError } from '../errors';
import type { Project } from '../project/project';
import { SessionFolder, sessionBase, removeCrashLeftovers } from '../files/sessionFolder';
import { readArtifact, readArtifactIndex } from '../project/artifacts';
import { canonicalRoots } from '../files/localPaths';
import { selectEntry } from '../files/select';
import type { HostEnv } from '../device/dataDir';

export { sessionBase } from '../files/sessionFolder';

/** The variables a session gets (name → plaintext path) and how to remove the plaintext again. */
export interface ProcessFiles {
  env: Record<string, string>;
  folder: string;
  dispose(): void;
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `VAR=NAME` from the command line. */
export function parseFileRequest(text: string): [string, string] {
  const eq = text.indexOf('=');
  const variable = eq > 0 ? text.slice(0, eq) : '';
  const selector = text.slice(eq + 1);
  if (!VARIABLE.test(variable) || selector === '') {
    throw new KagiError(
      'usage',
      `--file expects VAR=NAME, got ${JSON.stringify(text)}`,
      'e.g. --file GOOGLE_APPLICATION_CREDENTIALS=repo:sa.json',
    );
  }
  return [variable, selector];
}

/**
 * Decrypts every requested artifact of `scope` first (a missing or tampered one writes
 * nothing), then writes them 0600 into a new private session folder. The caller must call
 * `dispose()` when the session ends.
 */
export async function materializeFiles(
  project: Project,
  scope: string,
  requests: Record<string, string>,
  cwd: string,
): Promise<ProcessFiles> {
  for (const variable of Object.keys(requests)) {
    if (!VARIABLE.test(variable)) {
      throw new KagiError(
        'usage',
        `invalid variable name ${JSON.stringify(variable)} for a file`,
        'use letters, digits and _, not starting with a digit',
      );
    }
  }
  const cfg = project.config();
  const { key } = await project.key(cfg);
  const entries = readArtifactIndex(project, cfg, key) ?? [];
  const roots = canonicalRoots(project.root, project.host);
  const chosen = Object.entries(requests).map(([variable, selector]) => {
    const entry = entries[selectEntry(entries, scope, selector, roots, cwd)]!;
    return { variable, entry, bytes: readArtifact(project, cfg, key, entry.id) };
  });
  const folder = SessionFolder.create(project.host);
  try {
    const env: Record<string, string> = {};
    for (const c of chosen) env[c.variable] = folder.write(c.entry.alias ?? c.entry.name, c.bytes);
    return { env, folder: folder.dir, dispose: () => folder.dispose() };
  } catch (e) {
    folder.dispose();
    throw e;
  }
}

/** At start-up (the extension's activation): session folders left by a crashed process go. */
export function removeStaleFileSessions(host: HostEnv): number {
  return removeCrashLeftovers(sessionBase(host));
}
