// `kagi doctor --fix` for the Rust CLI's rotation gap (docs/format.md §4.7, §7.5): files/
// left under the project key from before a `member remove`. The earlier key comes from this
// device's wrap in an earlier Git revision of access.json; the artifacts are re-encrypted
// under the current key through the rotation journal, so a crash halfway is finished later.
import { KagiError, isKagiError } from '../errors';
import type { Project } from '../project/project';
import { ARTIFACT_ID } from '../format/artifactPaths';
import { blobIds, openArtifact, readArtifactIndex, sealArtifact } from '../project/artifacts';
import { artifactFile, INDEX_FILE } from '../format/artifactPaths';
import { readText } from '../disk/files';
import { applyJournal, writeJournal } from '../project/journal';
import { KeyRing } from '../git/keyRing';
import { findGitRoot } from '../git/ignore';
import * as path from 'node:path';
import type { ProjectConfig } from '../format/projectConfig';

/** True when files/ exists and its index does not open with the current key (stores may still). */
export async function filesUnderOlderKey(project: Project): Promise<boolean> {
  const cfg = project.config();
  const { key } = await project.key(cfg);
  try {
    readArtifactIndex(project, cfg, key);
    return false;
  } catch (e) {
    if (isKagiError(e) && e.code === 'auth-failed') return true;
    throw e;
  }
}

export interface FilesRecovery {
  /** artifacts re-encrypted (the index included) */
  artifacts: number;
}

/** The artifact texts re-sealed under `key`, each opened with whichever of `keys` opens it. */
function reseal(project: Project, cfg: ProjectConfig, key: Uint8Array, oldKey: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const move = (kind: 'file' | 'file-index', logicalId: string, rel: string) => {
    const text = readText(
      project.file(rel),
      () => new KagiError('bad-store', `${rel} disappeared`, 'run `kagi doctor` again'),
    );
    let plain: Uint8Array;
    try {
      plain = openArtifact(cfg, oldKey, kind, logicalId, text, rel);
    } catch {
      // Already under the current key (a blob added after the rotation): nothing to do.
      // Under neither key, this throws and nothing is written.
      openArtifact(cfg, key, kind, logicalId, text, rel);
      return;
    }
    out[rel] = sealArtifact(cfg, key, kind, logicalId, plain);
  };
  move('file-index', 'index', INDEX_FILE);
  for (const id of blobIds(project)) if (ARTIFACT_ID.test(id)) move('file', id, artifactFile(id));
  return out;
}

/**
 * Recovers files/ left under an earlier key. Refuses (nothing written) when no earlier key
 * of this device opens the index, or when any blob opens under neither key.
 */
export async function recoverFilesFromHistory(project: Project): Promise<FilesRecovery> {
  return project.mutate(async (tx) => {
    const cfg = tx.config;
    const key = await tx.key();
    const accessText = project.accessText();
    if (accessText === undefined)
      throw new KagiError('bad-access', '.kagi/access.json is missing', 'restore it from Git');
    const indexText = readText(
      project.file(INDEX_FILE),
      () => new KagiError('bad-store', `${INDEX_FILE} is missing`, 'restore .kagi/files/ from Git'),
    );
    const oldKey = await earlierKeyOpening(project, (k) => opens(cfg, k, indexText));
    if (!oldKey) {
      throw new KagiError(
        'auth-failed',
        'no earlier project key of this device opens .kagi/files/index.enc',
        'this device was not a member before the rotation, or the history is not here (git fetch --unshallow); recover from a device that was, or re-add the files with `kagi file add --force`',
      );
    }
    const artifacts = reseal(project, cfg, key, oldKey);
    const journal = { projectId: cfg.projectId, accessJson: accessText, files: {}, artifacts };
    writeJournal(project.dataDir, journal);
    await applyJournal(project.kagiDir, project.dataDir, journal);
    project.forgetKey();
    return { artifacts: Object.keys(artifacts).length };
  });
}

/**
 * The first project key this device can unwrap from access.json anywhere in Git history
 * (git/keyRing.ts: the working tree, then every committed revision, newest first) that `test`
 * accepts; undefined outside Git or without such a key.
 */
async function earlierKeyOpening(
  project: Project,
  test: (key: Uint8Array) => boolean,
): Promise<Uint8Array | undefined> {
  const gitRoot = findGitRoot(project.root);
  if (gitRoot === undefined) return undefined;
  const own = path.relative(gitRoot, project.kagiDir).split(path.sep).join('/');
  for await (const key of new KeyRing({ gitRoot, kagiDirs: [own], host: project.host }).all())
    if (test(key)) return key;
  return undefined;
}

function opens(cfg: ProjectConfig, key: Uint8Array, indexText: string): boolean {
  try {
    openArtifact(cfg, key, 'file-index', 'index', indexText, INDEX_FILE);
    return true;
  } catch {
    return false;
  }
}
