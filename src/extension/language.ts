import * as vscode from 'vscode';
import { activeScopes, type KeyInfo, type Listing, parseTemplate } from '../vault';
import { isEnvTemplate, referenceAt, typedKeyAt } from './envAccess';
import type { Ctx, VaultFolder } from './ctx';
import { documentDir } from './target';

const CODE_LANGUAGES = [
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'vue',
  'svelte',
  'astro',
  'python',
  'go',
  'rust',
  'ruby',
];
const SELECTOR: vscode.DocumentSelector = CODE_LANGUAGES.map((language) => ({ scheme: 'file', language }));

/**
 * Key names of the active scope in code: completion, hovers naming the scopes
 * that define a key (never its value), and warnings on .env.example keys the
 * active environment lacks. Everything reads the shared, cached listings.
 */
export function registerLanguageFeatures(ctx: Ctx): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('kagi');
  const subs = ctx.extension.subscriptions;
  subs.push(diagnostics);
  ctx.registerAfterActivation(() =>
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      { provideCompletionItems: (d, p) => complete(ctx, d, p) },
      '.',
      '"',
      "'",
      '[',
      '(',
    ),
  );
  ctx.registerAfterActivation(() =>
    vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (d, p) => hover(ctx, d, p) }),
  );
  const check = (doc: vscode.TextDocument) => void checkTemplate(ctx, diagnostics, doc);
  subs.push(
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
  );
  subs.push(vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)));
  const checkAll = () => vscode.workspace.textDocuments.forEach(check);
  subs.push(ctx.onDidChangeVault(checkAll));
  // The documents already open: after activation returns (each check may read the listing).
  ctx.afterActivation(checkAll);
}

interface ScopeView {
  v: VaultFolder;
  listing: Listing;
  /** the scopes the document's code reads in the active environment */
  scopes: string[];
  env: string;
}

/** Key names are decrypted content: none in Restricted Mode. */
async function scopeFor(ctx: Ctx, uri: vscode.Uri): Promise<ScopeView | undefined> {
  if (!vscode.workspace.isTrusted) return undefined;
  const v = ctx.vaultFor(uri);
  if (!v) return undefined;
  const listing = await ctx.listings.get(v);
  if (!listing.keys) return undefined;
  const env = ctx.activeEnv(v);
  return { v, listing, scopes: activeScopes(v.project, listing.scopes, env, documentDir(uri)), env };
}

/** Each key once, from the first active scope that defines it. */
function activeKeys(view: ScopeView): Map<string, { info: KeyInfo; scope: string }> {
  const out = new Map<string, { info: KeyInfo; scope: string }>();
  for (const scope of view.scopes) {
    for (const info of view.listing.keys?.get(scope) ?? []) if (!out.has(info.key)) out.set(info.key, { info, scope });
  }
  return out;
}

async function complete(
  ctx: Ctx,
  doc: vscode.TextDocument,
  pos: vscode.Position,
): Promise<vscode.CompletionItem[] | undefined> {
  const typed = typedKeyAt(doc.lineAt(pos.line).text.slice(0, pos.character));
  if (typed === undefined) return undefined;
  const view = await scopeFor(ctx, doc.uri);
  if (!view) return undefined;
  const range = new vscode.Range(pos.line, pos.character - typed.length, pos.line, pos.character);
  return [...activeKeys(view).values()].map(({ info, scope }) => completionItem(info, scope, range));
}

function completionItem(k: KeyInfo, scope: string, range: vscode.Range): vscode.CompletionItem {
  const item = new vscode.CompletionItem(
    { label: k.key, description: vscode.l10n.t('Kagi · {0}', scope) },
    vscode.CompletionItemKind.Constant,
  );
  item.range = range;
  item.detail = vscode.l10n.t('Secret in {0}', scope);
  if (k.description) item.documentation = k.description;
  item.sortText = `0${k.key}`;
  return item;
}

/**
 * Asked per hover, never indexed: an index of a 30k-key vault would outweigh the listing, and
 * a search of each scope's names (one string each) takes microseconds.
 */
function scopesDefining(listing: Listing, key: string): string[] {
  return [...(listing.keys ?? [])].filter(([, keys]) => keys.has(key)).map(([scope]) => scope);
}

async function hover(ctx: Ctx, doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
  const ref = referenceAt(doc.lineAt(pos.line).text, pos.character);
  if (!ref) return undefined;
  const view = await scopeFor(ctx, doc.uri);
  if (!view) return undefined;
  const scopes = scopesDefining(view.listing, ref.key);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMd(ref.key)}** · Kagi\n\n`);
  if (scopes.length === 0) md.appendMarkdown(vscode.l10n.t('Not defined in any scope of this vault.'));
  else md.appendMarkdown(vscode.l10n.t('Defined in: {0}', scopes.map((s) => `\`${s}\``).join(', ')));
  if (!view.scopes.some((s) => scopes.includes(s)))
    md.appendMarkdown(`\n\n$(warning) Missing in the active environment \`${view.env}\`.`);
  md.supportThemeIcons = true;
  return new vscode.Hover(md, new vscode.Range(pos.line, ref.start, pos.line, ref.end));
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

async function checkTemplate(
  ctx: Ctx,
  collection: vscode.DiagnosticCollection,
  doc: vscode.TextDocument,
): Promise<void> {
  if (doc.uri.scheme !== 'file' || !isEnvTemplate(doc.fileName)) return;
  if (!ctx.config(doc.uri).envExampleDiagnostics) {
    collection.delete(doc.uri);
    return;
  }
  const view = await scopeFor(ctx, doc.uri);
  if (!view) {
    collection.delete(doc.uri);
    return;
  }
  const have = activeKeys(view);
  const missing = parseTemplate(doc.getText()).filter((e) => !e.commented && !have.has(e.key));
  collection.set(
    doc.uri,
    missing.map((e) => missingDiagnostic(doc, e.key, view)),
  );
}

function missingDiagnostic(doc: vscode.TextDocument, key: string, view: ScopeView): vscode.Diagnostic {
  const line = findKeyLine(doc, key);
  const start = doc.lineAt(line).text.indexOf(key);
  const range = new vscode.Range(line, Math.max(0, start), line, Math.max(0, start) + key.length);
  const where = view.scopes.length ? view.scopes.join(', ') : `the ${view.env} environment`;
  const d = new vscode.Diagnostic(
    range,
    vscode.l10n.t('{0} is not set in {1} (active Kagi environment: {2})', key, where, view.env),
    vscode.DiagnosticSeverity.Warning,
  );
  d.source = 'Kagi';
  d.code = 'missing-key';
  return d;
}

function findKeyLine(doc: vscode.TextDocument, key: string): number {
  const re = new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=`);
  for (let i = 0; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i;
  return 0;
}
