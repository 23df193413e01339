import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

const SECRET_SCHEME = 'kagi-secret';

/**
 * Read-only virtual documents showing one revealed value. The text lives only in
 * this map while the editor is open: it is never written to disk, and read-only
 * virtual documents are never dirty, so hot exit has nothing to back up. A
 * restored editor after a reload finds the map empty and says so.
 */
export class SecretDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly values = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(SECRET_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => this.values.delete(d.uri.toString())),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.values.get(uri.toString()) ?? 'This value is no longer open. Run "Kagi: Reveal Secret" again to see it.'
    );
  }

  /** Opens a preview editor for the value; the URI names the key, never the value. */
  async show(scope: string, key: string, value: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({
      scheme: SECRET_SCHEME,
      path: `/${scope}/${key}`,
      query: randomBytes(6).toString('hex'),
    });
    this.values.set(uri.toString(), value);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  }

  dispose(): void {
    this.values.clear();
    this.subscriptions.forEach((s) => s.dispose());
  }
}
