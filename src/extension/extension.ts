import * as vscode from 'vscode';

// Placeholder entry: the real wiring lands with the extension issue.
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('kagi.refresh', () => undefined),
  );
}

export function deactivate(): void {}
