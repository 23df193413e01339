import * as vscode from 'vscode';
import { parseTemplate } from '../vault/dotenv';
import type { KeyInfo, Listing } from '../vault/listing';
import { isEnvTemplate, referenceAt, typedKeyAt } from './envAccess';
import { preferredScope } from './preferredScope';
import type { Ctx, VaultFolder } from './ctx';

const CODE_LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'vue', 'svelte', 'astro',
  'python', 'go', 'rust', 'ruby'];
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
  subs.push(vscode.languages.registerCompletionItemProvider(SELECTOR, { provideCompletionItems: (d, p) => complete(ctx, d, p) }, '.', '"', '\'', '[', '('));
  subs.push(vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (d, p) => hover(ctx, d, p) }));
  const check = (doc: vscode.TextDocument) => void checkTemplate(ctx, diagnostics, doc);
  subs.push(vscode.workspace.onDidOpenTextDocument(check), vscode.workspace.onDidChangeTextDocument((e) => check(e.document)));
  subs.push(vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)));
  subs.push(ctx.onDidChangeVault(() => vscode.workspace.textDocuments.forEach(check)));
  vscode.workspace.textDocuments.forEach(check);
}

interface ScopeView {
  v: VaultFolder;
  listing: Listing;
  scope: string;
}

/** Key names are decrypted content: none in Restricted Mode. */
async function scopeFor(ctx: Ctx, uri: vscode.Uri): Promise<ScopeView | undefined> {
  if (!vscode.workspace.isTrusted) return undefined;
  const v = ctx.vaultFor(uri);
  if (!v) return undefined;
  const listing = await ctx.listings.get(v);
  if (!listing.keys) return undefined;
  const scope = await preferredScope(ctx, v, uri);
  return scope ? { v, listing, scope } : undefined;
}

async function complete(ctx: Ctx, doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
  const typed = typedKeyAt(doc.lineAt(pos.line).text.slice(0, pos.character));
  if (typed === undefined) return undefined;
  const view = await scopeFor(ctx, doc.uri);
  const keys = view?.listing.keys?.get(view.scope);
  if (!view || !keys) return undefined;
  const range = new vscode.Range(pos.line, pos.character - typed.length, pos.line, pos.character);
  return keys.map((k) => completionItem(k, view.scope, range));
}

function completionItem(k: KeyInfo, scope: string, range: vscode.Range): vscode.CompletionItem {
  const item = new vscode.CompletionItem({ label: k.key, description: `Kagi · ${scope}` }, vscode.CompletionItemKind.Constant);
  item.range = range;
  item.detail = `Secret in ${scope}`;
  if (k.description) item.documentation = k.description;
  item.sortText = `0${k.key}`;
  return item;
}

/** key → scopes defining it, built once per listing (listings are replaced on change). */
const definedIn = new WeakMap<Listing, Map<string, string[]>>();

function scopesDefining(listing: Listing, key: string): string[] {
  let index = definedIn.get(listing);
  if (!index) {
    index = new Map();
    for (const [scope, keys] of listing.keys ?? []) {
      for (const k of keys) index.set(k.key, [...(index.get(k.key) ?? []), scope]);
    }
    definedIn.set(listing, index);
  }
  return index.get(key) ?? [];
}

async function hover(ctx: Ctx, doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
  const ref = referenceAt(doc.lineAt(pos.line).text, pos.character);
  if (!ref) return undefined;
  const view = await scopeFor(ctx, doc.uri);
  if (!view) return undefined;
  const scopes = scopesDefining(view.listing, ref.key);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMd(ref.key)}** · Kagi\n\n`);
  if (scopes.length === 0) md.appendMarkdown('Not defined in any scope of this vault.');
  else md.appendMarkdown(`Defined in: ${scopes.map((s) => `\`${s}\``).join(', ')}`);
  if (!scopes.includes(view.scope)) md.appendMarkdown(`\n\n$(warning) Missing in the active scope \`${view.scope}\`.`);
  md.supportThemeIcons = true;
  return new vscode.Hover(md, new vscode.Range(pos.line, ref.start, pos.line, ref.end));
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

async function checkTemplate(ctx: Ctx, collection: vscode.DiagnosticCollection, doc: vscode.TextDocument): Promise<void> {
  if (doc.uri.scheme !== 'file' || !isEnvTemplate(doc.fileName)) return;
  if (!vscode.workspace.getConfiguration('kagi', doc.uri).get<boolean>('diagnostics.envExample', true)) {
    collection.delete(doc.uri);
    return;
  }
  const view = await scopeFor(ctx, doc.uri);
  if (!view) {
    collection.delete(doc.uri);
    return;
  }
  const have = new Set((view.listing.keys?.get(view.scope) ?? []).map((k) => k.key));
  const missing = parseTemplate(doc.getText()).filter((e) => !e.commented && !have.has(e.key));
  collection.set(doc.uri, missing.map((e) => missingDiagnostic(doc, e.key, view.scope)));
}

function missingDiagnostic(doc: vscode.TextDocument, key: string, scope: string): vscode.Diagnostic {
  const line = findKeyLine(doc, key);
  const start = doc.lineAt(line).text.indexOf(key);
  const range = new vscode.Range(line, Math.max(0, start), line, Math.max(0, start) + key.length);
  const d = new vscode.Diagnostic(range, `${key} is not set in ${scope} (the active Kagi environment)`, vscode.DiagnosticSeverity.Warning);
  d.source = 'Kagi';
  d.code = 'missing-key';
  return d;
}

function findKeyLine(doc: vscode.TextDocument, key: string): number {
  const re = new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=`);
  for (let i = 0; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i;
  return 0;
}
