// The built-in Git extension (`vscode.git`), through its public API: which repository holds a
// file and which blob a revision has there. Only the few members Kagi uses are typed here.
import * as vscode from 'vscode';

interface GitRepository {
  readonly rootUri: vscode.Uri;
  getObjectDetails(treeish: string, path: string): Promise<{ mode: string; object: string; size: number }>;
}

interface GitApi {
  getRepository(uri: vscode.Uri): GitRepository | null;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The blob a revision holds at `file`, as the Git extension resolves it. */
export interface RevisionBlob {
  blob: string;
  size: number;
}

/**
 * Undefined when the Git extension is disabled, has not found the repository yet, or the
 * revision has no such file: the caller then reads the revision itself.
 */
export async function revisionBlob(file: string, revision: string): Promise<RevisionBlob | undefined> {
  const repo = (await gitApi())?.getRepository(vscode.Uri.file(file));
  if (!repo) return undefined;
  try {
    const d = await repo.getObjectDetails(revision, file);
    return { blob: d.object, size: d.size };
  } catch {
    return undefined;
  }
}

async function gitApi(): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return undefined;
  try {
    const exports = ext.isActive ? ext.exports : await ext.activate();
    return exports.enabled ? exports.getAPI(1) : undefined;
  } catch {
    return undefined;
  }
}
