import * as vscode from 'vscode';
import { webviewPage } from '../webviewPage';

/** The team view's page: the shared webview shell (../webviewPage.ts) around webview-ui/team/. */
export function teamHtml(
  webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>,
  extensionUri: vscode.Uri,
  nonce?: string,
): string {
  return webviewPage(webview, extensionUri, { name: 'team', title: vscode.l10n.t('Kagi team access') }, nonce);
}
