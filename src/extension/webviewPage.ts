// The shell of a webview page under the security rules (docs/security.md): CSP default-src
// 'none', one nonce'd external module script (it imports dist/webview/shared.js, which inherits
// its nonce) and one stylesheet from dist/webview/, no inline code.
// Everything else is built by the page's own app from what the host sends.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The folder a webview may load from: the bundles and their CSS, nothing else. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const esc = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The workbench language's bundle for the page's own words (webview-ui/shared/l10n.ts); none in English. */
function l10nAttribute(): string {
  const bundle = vscode.l10n.bundle;
  return bundle ? ` data-l10n="${esc(JSON.stringify(bundle))}"` : '';
}

/** `name`: the bundle's base name in dist/webview/ (`compare` → compare.js, compare.css). */
export function webviewPage(
  webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>,
  extensionUri: vscode.Uri,
  page: { name: string; title: string },
  nonce = randomBytes(18).toString('base64url'),
): string {
  const root = webviewRoot(extensionUri);
  const asset = (file: string) => esc(webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString());
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(webview.cspSource, nonce))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<link rel="stylesheet" href="${asset(`${page.name}.css`)}">`,
    `<title>${esc(page.title)}</title></head>`,
    `<body><main id="app"${l10nAttribute()}></main><script type="module" nonce="${esc(nonce)}" src="${asset(`${page.name}.js`)}"></script></body></html>`,
  ].join('\n');
}
