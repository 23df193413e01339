// File artifacts as paths for processes the editor starts (docs/injection.md "Files as paths"):
// launch configurations, `kagi` tasks and Kagi terminals ask with `"files": {"VAR": "repo:name"}`.
// Each start gets its own private session folder (vault/usecases/processFiles.ts); it goes when
// the debug session, task or terminal ends, and all of them go when the extension deactivates.
import * as vscode from 'vscode';
import { isPlainObject, KagiError, materializeFiles, removeStaleFileSessions, type HostEnv } from '../vault';
import type { VaultFolder } from './vaultFolder';

/** Reads a `"files"` property: an object of VARIABLE → selector (name, `repo:<path>`, `home:<path>`). */
export function parseFilesProperty(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const hint = 'write "files": {"GOOGLE_APPLICATION_CREDENTIALS": "repo:sa.json"}';
  if (!isPlainObject(value)) throw new KagiError('usage', '"files" must be an object of VARIABLE: file name', hint);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string' || v === '') throw new KagiError('usage', `"files.${k}" must be a file name`, hint);
    out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

export interface FileSession {
  env: Record<string, string>;
  folder: string;
  dispose(): void;
}

export class ProcessFileSessions implements vscode.Disposable {
  private readonly open = new Set<FileSession>();

  constructor(host: HostEnv) {
    // Folders of a crashed extension host (its pid is gone) from an earlier run.
    removeStaleFileSessions(host);
  }

  async start(v: VaultFolder, scope: string, files: Record<string, string>, cwd: string): Promise<FileSession> {
    const made = await materializeFiles(v.project, scope, files, cwd);
    const session: FileSession = {
      env: made.env,
      folder: made.folder,
      dispose: () => {
        this.open.delete(session);
        made.dispose();
      },
    };
    this.open.add(session);
    return session;
  }

  /** Ends every session whose folder `text` (a debug configuration, as JSON) mentions. */
  endMentionedIn(text: string): number {
    const hits = [...this.open].filter((s) => text.includes(JSON.stringify(s.folder).slice(1, -1)));
    hits.forEach((s) => s.dispose());
    return hits.length;
  }

  get count(): number {
    return this.open.size;
  }

  dispose(): void {
    for (const s of [...this.open]) s.dispose();
  }
}
