import * as vscode from 'vscode';
import { isNoise } from './vaultChanges';
import type { Ctx } from './ctx';

const DEBOUNCE_MS = 250;

declare module './ctx' {
  interface Ctx {
    /** How many quiet periods the watcher has handled; integration tests wait on it. */
    watcherFlushes?: number;
    /** Set by integration tests: the paths each quiet period handled (so a test waits for its own write's events). */
    onWatcherFlush?: (paths: string[]) => void;
  }
}

/**
 * Re-reads a vault when `.kagi/` changes on disk (the CLI, Git, a teammate's pull),
 * debounced so a multi-file write counts once; our own writes were announced already
 * and are skipped (ctx.fireChangedOnDisk).
 */
export function registerWatcher(ctx: Ctx): void {
  const watcher = vscode.workspace.createFileSystemWatcher('**/.kagi/**');
  let timer: NodeJS.Timeout | undefined;
  const paths = new Set<string>();
  ctx.watcherFlushes = 0;
  const onChange = (uri: vscode.Uri) => {
    if (isNoise(uri.fsPath)) return;
    paths.add(uri.fsPath);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const handled = [...paths];
      paths.clear();
      ctx.fireChangedOnDisk();
      ctx.watcherFlushes = (ctx.watcherFlushes ?? 0) + 1;
      ctx.onWatcherFlush?.(handled);
    }, DEBOUNCE_MS);
  };
  watcher.onDidChange(onChange);
  watcher.onDidCreate(onChange);
  watcher.onDidDelete(onChange);
  ctx.extension.subscriptions.push(watcher, { dispose: () => timer && clearTimeout(timer) });
}
