import * as vscode from 'vscode';
import { allowedInWorkspace } from './trustGate';
import type { Ctx } from './ctx';

const TITLES: Record<string, string> = {
  'kagi.init': 'Initializing a vault',
  'kagi.setSecret': 'Setting a secret',
  'kagi.generateSecret': 'Generating a secret',
  'kagi.deleteSecret': 'Deleting a secret',
  'kagi.reveal': 'Revealing a secret',
  'kagi.copyValue': 'Copying a secret',
  'kagi.addEnvironment': 'Adding an environment',
  'kagi.renameEnvironment': 'Renaming an environment',
  'kagi.removeEnvironment': 'Removing an environment',
  'kagi.importDotenv': 'Importing a .env file',
  'kagi.exportDotenv': 'Exporting to .env',
  'kagi.openTerminalWithScope': 'Opening a terminal with secrets',
  'kagi.runLaunchWithSecrets': 'Debugging with secrets',
  'kagi.runLaunchWithSecretsNoDebug': 'Running with secrets',
  'kagi.requestAccess': 'Requesting access',
  'kagi.approveMember': 'Approving a member',
  'kagi.removeMember': 'Removing a member',
  'kagi.copyRecipient': 'Copying a recipient',
  'kagi.resolveAccessConflict': 'Merging access.json',
};

/**
 * Registers a command behind the Restricted Mode gate and ctx.guard, so every
 * command refuses the same way and reports failures without values.
 */
export function registerGuarded(ctx: Ctx, id: string, fn: (...args: unknown[]) => Promise<unknown>): void {
  const what = TITLES[id] ?? id;
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      if (!allowedInWorkspace(id, vscode.workspace.isTrusted)) {
        ctx.requireTrust(what);
        return undefined;
      }
      return ctx.guard(what, () => fn(...args));
    }),
  );
}
