import * as vscode from 'vscode';
import { allowedInWorkspace } from './trustGate';
import { commandSpec, type CommandId } from './commandTable';
import type { Ctx } from './ctx';

/**
 * Registers a command of the command table behind the Restricted Mode gate and ctx.guard, so
 * every command refuses the same way and reports failures without values. Only ids of the
 * table compile; the integration suite checks every id of the table is registered.
 */
export function registerGuarded(ctx: Ctx, id: CommandId, fn: (...args: unknown[]) => Promise<unknown>): void {
  const what = commandSpec(id).doing;
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
