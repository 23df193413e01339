import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** The panel's view type; no serializer is registered for it, so a reload never restores one. */
export const SECRET_PANEL_VIEW_TYPE = 'kagi.revealedValue';

/**
 * One revealed value in a webview panel. Chosen over a read-only virtual document because a
 * text editor of any scheme has a save path: File → Save As wrote the plaintext to a 0644 file
 * and Local History kept a copy. A webview panel is not a working copy: Save and Save As don't
 * apply to it, hot exit and Local History never see it, and without a serializer it is not
 * restored after a reload. The page runs no script (`enableScripts: false`, CSP
 * `default-src 'none'`) and loads nothing; its only content is the escaped value.
 */
export class SecretPanels implements vscode.Disposable {
  private readonly open = new Set<vscode.WebviewPanel>();

  show(scope: string, key: string, value: string): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(
      SECRET_PANEL_VIEW_TYPE,
      `${key} (${scope})`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: false, enableCommandUris: false, enableFindWidget: false, localResourceRoots: [] },
    );
    panel.webview.html = secretPanelHtml(key, scope, value, randomBytes(16).toString('base64'));
    this.open.add(panel);
    panel.onDidDispose(() => this.open.delete(panel));
    return panel;
  }

  /** On shutdown, close every panel rather than leave a value on screen. */
  dispose(): void {
    for (const panel of [...this.open]) panel.dispose();
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The whole page: a CSP that allows only the nonce'd style, a heading and the value, escaped. */
export function secretPanelHtml(key: string, scope: string, value: string, nonce: string): string {
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'">`,
    `<style nonce="${nonce}">`,
    'body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:1em}',
    'pre{font-family:var(--vscode-editor-font-family);white-space:pre-wrap;word-break:break-all;',
    'user-select:text;padding:.5em;background:var(--vscode-textCodeBlock-background)}',
    'p{opacity:.8}',
    '</style></head><body>',
    `<h3>${escapeHtml(key)} <small>${escapeHtml(scope)}</small></h3>`,
    `<pre>${value === '' ? '<em>(empty)</em>' : escapeHtml(value)}</pre>`,
    '<p>Shown only while this tab is open; it is never saved to disk. Close the tab to hide it.</p>',
    '</body></html>',
  ].join('');
}
