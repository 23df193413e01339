import * as vscode from 'vscode';
import type { Ctx, VaultFolder } from './ctx';
import { settingId } from './config';

/** The active environment of the vault under the active editor; click to switch. */
export function registerStatusBar(ctx: Ctx): void {
  let item: vscode.StatusBarItem | undefined;
  // The item is made at its first render, which reads kagi.json: after activation returns, so
  // the host isn't held up (bench `activation_vs_empty`).
  const made = () => {
    if (!item) {
      item = vscode.window.createStatusBarItem('kagi.activeEnv', vscode.StatusBarAlignment.Left, 50);
      item.name = 'Kagi Environment';
      item.command = 'kagi.switchEnvironment';
    }
    return item;
  };
  const update = () => render(ctx, made(), ctx.vaultFor(vscode.window.activeTextEditor?.document.uri));
  ctx.afterActivation(update);
  ctx.extension.subscriptions.push(
    { dispose: () => item?.dispose() },
    ctx.onDidChangeVault(update),
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeConfiguration(
      (e) => e.affectsConfiguration(settingId('protectedEnvironments')) && update(),
    ),
  );
}

function render(ctx: Ctx, item: vscode.StatusBarItem, v: VaultFolder | undefined): void {
  if (!v) {
    item.hide();
    return;
  }
  const env = ctx.activeEnv(v);
  // A protected environment (kagi.protectedEnvironments) is active: say so in the workbench's warning colours.
  const isProtected = ctx.config(v.folder.uri).protectedEnvironments.includes(env);
  item.text = isProtected ? `$(warning) ${env}` : `$(layers) ${env}`;
  item.backgroundColor = isProtected ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  item.tooltip =
    vscode.l10n.t('Kagi: active environment of {0} (tasks, debugging, completions). Click to switch.', v.folder.name) +
    (isProtected
      ? `\n${vscode.l10n.t('{0} is protected: programs get its secrets only after you confirm.', env)}`
      : '');
  item.show();
}
