import * as vscode from 'vscode';
import { Ctx } from './ctx';

// Each feature registers itself from its own module; activation does nothing else.
export function activate(context: vscode.ExtensionContext): Ctx {
  const ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  context.subscriptions.push(vscode.commands.registerCommand('kagi.refresh', () => ctx.fireChanged()));
  return ctx;
}

export function deactivate(): void {}
