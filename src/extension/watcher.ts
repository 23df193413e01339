import * as vscode from 'vscode';
import type { Ctx } from './ctx';

const DEBOUNCE_MS = 250;

/** The lock and atomic-write temp files change on every write; they never mean new content. */
function isNoise(fsPath: string): boolean {
  const name = fsPath.split(/[\\/]/).pop() ?? '';
  return name === '.lock' || name.endsWith('.tmp') || name.startsWith('.lock');
}

/**
 * Refreshes when `.kagi/` changes on disk (the CLI, Git, a teammate's pull),
 * debounced so a multi-file write refreshes once.
 */
export function registerWatcher(ctx: Ctx): void {
  const watcher = vscode.workspace.createFileSystemWatcher('**/.kagi/**');
  let timer: NodeJS.Timeout | undefined;
  const onChange = (uri: vscode.Uri) => {
    if (isNoise(uri.fsPath)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      ctx.fireChanged();
    }, DEBOUNCE_MS);
  };
  watcher.onDidChange(onChange);
  watcher.onDidCreate(onChange);
  watcher.onDidDelete(onChange);
  ctx.extension.subscriptions.push(watcher, { dispose: () => timer && clearTimeout(timer) });
}
