import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The folder the webview may load from: the bundle and its CSS, nothing else. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

const esc = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/**
 * The page shell: one external stylesheet, one nonce'd external script, no inline
 * script or style. Everything else is built by webview-ui/team/ from the host's state.
 */
export function teamHtml(
  webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>,
  extensionUri: vscode.Uri,
  nonce = newNonce(),
): string {
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'team.js')).toString();
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'team.css')).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(webview.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(style)}">
<title>Kagi team access</title>
</head>
<body>
<div id="app"></div>
<script nonce="${esc(nonce)}" src="${esc(script)}"></script>
</body>
</html>`;
}
