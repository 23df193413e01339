import * as vscode from 'vscode';
import { SecretsTree } from './tree';
import { registerGuarded } from './commandKit';
import { LastChangeTooltips } from './lastChangeTooltips';
import type { Ctx } from './ctx';

const SECRETS_VIEW = 'kagi.secrets';

/** The Kagi activity-bar tree, plus the context key its welcome content depends on. */
export function registerTree(ctx: Ctx): SecretsTree {
  const tree = new SecretsTree(ctx, new LastChangeTooltips(ctx));
  const view = vscode.window.createTreeView(SECRETS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  ctx.extension.subscriptions.push(tree, view);
  registerGuarded(ctx, 'kagi.refresh', async () => ctx.fireChanged());
  const updateHasVault = () =>
    void vscode.commands.executeCommand('setContext', 'kagi.hasVault', ctx.vaults().length > 0);
  // Looks for kagi.json in every folder: after activation returns (bench/README.md).
  ctx.afterActivation(updateHasVault);
  ctx.extension.subscriptions.push(ctx.onDidChangeVault(updateHasVault));
  ctx.extension.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(() => ctx.fireChanged()));
  return tree;
}
