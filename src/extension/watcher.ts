import * as vscode from 'vscode';
import { isNoise } from './vaultChanges';
import type { Ctx } from './ctx';

const DEBOUNCE_MS = 250;

/**
 * Re-reads a vault when `.kagi/` changes on disk (the CLI, Git, a teammate's pull),
 * debounced so a multi-file write counts once; our own writes were announced already
 * and are skipped (ctx.fireChangedOnDisk). Returns an event that fires after each quiet
 * period with the paths it handled (the extension's API passes it on).
 */
export function registerWatcher(ctx: Ctx): vscode.Event<string[]> {
  const handled = new vscode.EventEmitter<string[]>();
  let timer: NodeJS.Timeout | undefined;
  const paths = new Set<string>();
  const onChange = (uri: vscode.Uri) => {
    if (isNoise(uri.fsPath)) return;
    paths.add(uri.fsPath);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const batch = [...paths];
      paths.clear();
      ctx.fireChangedOnDisk();
      handled.fire(batch);
    }, DEBOUNCE_MS);
  };
  // Made right after activate() returns: compiling the glob and asking the workbench to watch
  // cost activation ~1 ms, and no change event could reach us before that anyway (events
  // arrive as messages, after the current task).
  ctx.afterActivation(() => {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.kagi/**');
    watcher.onDidChange(onChange);
    watcher.onDidCreate(onChange);
    watcher.onDidDelete(onChange);
    ctx.extension.subscriptions.push(watcher);
  });
  ctx.extension.subscriptions.push(handled, { dispose: () => timer && clearTimeout(timer) });
  return handled.event;
}
