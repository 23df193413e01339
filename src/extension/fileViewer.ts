// "Open" for a file artifact: its decrypted content in a read-only webview panel. Deliberately
// not a TextDocument: any text document, even a read-only virtual one, can be written anywhere
// with File > Save As, which would put the plaintext on disk. A webview panel has no resource,
// so Save and Save As do nothing; it has no scripts (CSP default-src 'none'), is not restored
// after a reload (no serializer), and the content lives only in the panel while it is open.
// Binary content is never rendered: the panel shows its size and type only.
import * as vscode from 'vscode';
import { classify } from './fileContent';

/** What a panel shows, for the integration suite: the title and the text (or binary facts). */
export interface ShownFile {
  title: string;
  kind: 'text' | 'binary';
  /** the text, for text files only */
  text?: string;
  size: number;
  type: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function html(f: ShownFile): string {
  const body =
    f.kind === 'text'
      ? `<pre>${escapeHtml(f.text!)}</pre>`
      : `<p>Binary file: ${f.size} bytes, ${escapeHtml(f.type)}. Its content is not shown; use "Restore to Disk…" to write it to a file.</p>`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body{font-family:var(--vscode-editor-font-family);font-size:var(--vscode-editor-font-size);color:var(--vscode-editor-foreground)}pre{white-space:pre-wrap;word-break:break-all}</style>
</head><body>${body}</body></html>`;
}

export class FileViewer implements vscode.Disposable {
  private readonly panels = new Map<vscode.WebviewPanel, ShownFile>();

  show(title: string, bytes: Uint8Array): ShownFile {
    const { text, type } = classify(bytes);
    const shown: ShownFile = { title, kind: text === undefined ? 'binary' : 'text', size: bytes.length, type };
    if (text !== undefined) shown.text = text;
    const panel = vscode.window.createWebviewPanel('kagi.fileView', title, vscode.ViewColumn.Active, {
      enableScripts: false,
      enableFindWidget: true,
      localResourceRoots: [],
    });
    panel.webview.html = html(shown);
    this.panels.set(panel, shown);
    panel.onDidDispose(() => this.panels.delete(panel));
    return shown;
  }

  /** The panels open now (the integration suite checks what they show). */
  shown(): ShownFile[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    for (const p of [...this.panels.keys()]) p.dispose();
  }
}
