import * as vscode from 'vscode';
import type { Ctx, VaultFolder } from './ctx';

/** The active environment of the vault under the active editor; click to switch. */
export function registerStatusBar(ctx: Ctx): void {
  const item = vscode.window.createStatusBarItem('kagi.activeEnv', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Kagi Environment';
  item.command = 'kagi.switchEnvironment';
  const update = () => render(ctx, item, ctx.vaultFor(vscode.window.activeTextEditor?.document.uri));
  update();
  ctx.extension.subscriptions.push(
    item,
    ctx.onDidChangeVault(update),
    vscode.window.onDidChangeActiveTextEditor(update),
  );
}

function render(ctx: Ctx, item: vscode.StatusBarItem, v: VaultFolder | undefined): void {
  if (!v) {
    item.hide();
    return;
  }
  const env = ctx.activeEnv(v);
  item.text = `$(layers) ${env}`;
  item.tooltip = `Kagi: active environment of ${v.folder.name} (tasks, debugging, completions). Click to switch.`;
  item.show();
}
