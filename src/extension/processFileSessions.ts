// File artifacts as paths for processes the editor starts (docs/injection.md "Files as paths"):
// launch configurations, `kagi` tasks and Kagi terminals ask with `"files": {"VAR": "repo:name"}`.
// Each start gets its own private session folder (vault/usecases/processFiles.ts); it goes when
// the debug session, task or terminal ends, and all of them go when the extension deactivates.
import * as vscode from 'vscode';
import { materializeFiles, removeStaleFileSessions, type HostEnv } from '../vault';

export { parseFilesProperty } from './launchConfig';
import type { VaultFolder } from './vaultFolder';

export interface FileSession {
  env: Record<string, string>;
  folder: string;
  dispose(): void;
}

export class ProcessFileSessions implements vscode.Disposable {
  private readonly open = new Set<FileSession>();

  /**
   * Removes the folders of a crashed extension host (its pid is gone) from an earlier run.
   * Only those of dead pids, so a session started meanwhile is safe.
   */
  static sweepStale(host: HostEnv): void {
    try {
      removeStaleFileSessions(host);
    } catch {
      // Best effort: the next start sweeps again.
    }
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
