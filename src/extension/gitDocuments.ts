// What the editor's Git integration needs from activation on: the two read-only document
// schemes (a store rendered as key names and fingerprints, a key's history) and the launcher
// Git's drivers run, refreshed when the extension moved. The commands (set-up, changes,
// conflicts, history) are in gitCommands.ts, loaded on first use (onDemandCommands.ts).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { refreshGitLauncher, storeRendering, type Program, type StoreSource } from '../vault';
import type { Ctx } from './ctx';

const STORE_SCHEME = 'kagi-store';
const HISTORY_SCHEME = 'kagi-history';

export interface GitDocuments {
  /** What Git's drivers run: this extension's own CLI, under the editor's runtime (see docs/git.md). */
  readonly program: Program;
  /** A `kagi-store:` document of `file`: the working tree, a revision, or a blob the Git extension named. */
  storeUri(file: string, query: Record<string, string>): vscode.Uri;
  /** A `kagi-history:` document that shows `text`. */
  historyUri(name: string, text: string): vscode.Uri;
}

export function registerGitDocuments(ctx: Ctx): GitDocuments {
  const program = { node: process.execPath, cli: path.join(ctx.extension.extensionPath, 'dist', 'cli.js') };
  // After activation returns: it writes a file and loads the vault bundle.
  ctx.afterActivation(() => refreshLauncher(ctx, program));
  const histories = new Map<string, string>();
  ctx.extension.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(STORE_SCHEME, {
      provideTextDocumentContent: (uri) => renderStoreUri(ctx, uri),
    }),
    vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, {
      provideTextDocumentContent: (uri) => histories.get(uri.toString()) ?? '',
    }),
  );
  return {
    program,
    storeUri: (file, query) =>
      vscode.Uri.from({ scheme: STORE_SCHEME, path: file, query: new URLSearchParams(query).toString() }),
    historyUri: (name, text) => {
      const uri = vscode.Uri.from({ scheme: HISTORY_SCHEME, path: `/${name}.log` });
      histories.set(uri.toString(), text);
      return uri;
    },
  };
}

/** An extension update moves dist/cli.js: the launcher Git runs follows it, in every clone. */
function refreshLauncher(ctx: Ctx, program: Program): void {
  try {
    if (refreshGitLauncher(ctx.host(), program)) ctx.log.info('git: the kagi-git launcher now runs this version');
  } catch (e) {
    ctx.log.warn(`git: could not refresh the kagi-git launcher (${e instanceof Error ? e.name : typeof e})`);
  }
}

async function renderStoreUri(ctx: Ctx, uri: vscode.Uri): Promise<string> {
  // The rendering opens stores with this device's keys: never in Restricted Mode.
  if (!vscode.workspace.isTrusted) return vscode.l10n.t('# kagi: trust this workspace to compare stores') + '\n';
  const q = new URLSearchParams(uri.query);
  const blob = q.get('blob');
  const rev = q.get('rev') ?? 'worktree';
  const source: StoreSource | undefined = blob
    ? { blob, size: Number(q.get('size') ?? '0') }
    : rev === 'worktree'
      ? undefined
      : { revision: rev };
  return storeRendering(uri.path, ctx.host(), source);
}
