// The plaintext guard in the editor: a warning where an open document holds a vault value, quick
// fixes "Replace with a reference to KEY" and "Ignore here", and "Kagi: Scan Workspace for
// Plaintext Secrets" (the CLI's `kagi scan`, into the Problems view). Off in Restricted Mode.
//
// Matching holds no value: per vault, one LeakMatcher (keyed HMACs under a key drawn in memory,
// vault/leaks/matcher.ts) is built when first needed after each vault change, by decrypting the
// same stores the key-name listing decrypts anyway. Ignored places are remembered for the session
// only (document, key, line), never with the text they hold.
import * as vscode from 'vscode';
import { buildLeakMatcher, describeError, scanForLeaks, MAX_SCAN_BYTES, type LeakMatcher } from '../vault';
import type { Ctx, VaultFolder } from './ctx';
import { registerGuarded } from './commandKit';
import { referenceFor, replacementSpan } from './envReference';

const SOURCE = 'Kagi';
const CODE = 'plaintext-secret';

interface Mark {
  range: vscode.Range;
  key: string;
  /** the scopes that hold this value under `key` */
  scopes: string[];
}

export class PlaintextGuard implements vscode.Disposable {
  /** Made with the first diagnostics: activation need not wait for it. */
  private collection?: vscode.DiagnosticCollection;
  private readonly matchers = new Map<string, Promise<LeakMatcher | undefined>>();
  /** per document: what each diagnostic stands for, for the quick fixes */
  private readonly marks = new Map<string, Mark[]>();
  private readonly ignored = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly ctx: Ctx) {}

  private matcher(v: VaultFolder): Promise<LeakMatcher | undefined> {
    let m = this.matchers.get(v.project.root);
    if (!m) {
      m = buildLeakMatcher(v.project).catch((e) => {
        this.ctx.log.info(`plaintext guard: ${v.folder.name}: ${describeError(e)}`);
        return undefined;
      });
      this.matchers.set(v.project.root, m);
    }
    return m;
  }

  forget(v?: VaultFolder): void {
    if (v) this.matchers.delete(v.project.root);
    else this.matchers.clear();
  }

  schedule(doc: vscode.TextDocument): void {
    const id = doc.uri.toString();
    clearTimeout(this.timers.get(id));
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        void this.check(doc);
      }, 200),
    );
  }

  async check(doc: vscode.TextDocument): Promise<void> {
    const v = this.eligible(doc);
    if (!v) return this.set(doc.uri, []);
    const text = doc.getText();
    if (text.length > MAX_SCAN_BYTES) return this.set(doc.uri, []);
    const matcher = await this.matcher(v);
    if (!matcher || doc.isClosed) return;
    const marks: Mark[] = [];
    for (const hit of matcher.find(text)) {
      const range = new vscode.Range(doc.positionAt(hit.offset), doc.positionAt(hit.offset + hit.length));
      for (const key of new Set(hit.sources.map((s) => s.key))) {
        const scopes = hit.sources.filter((s) => s.key === key).map((s) => s.scope);
        marks.push({ range, key, scopes });
      }
    }
    this.set(doc.uri, marks);
  }

  private eligible(doc: vscode.TextDocument): VaultFolder | undefined {
    if (!vscode.workspace.isTrusted || doc.uri.scheme !== 'file') return undefined;
    if (/[\\/]\.(kagi|git)[\\/]/.test(doc.uri.fsPath)) return undefined;
    return this.ctx.vaultFor(doc.uri);
  }

  /** Replaces the diagnostics of `uri` with `marks`, minus the ignored ones. */
  private set(uri: vscode.Uri, marks: Mark[]): void {
    const kept = marks.filter((m) => !this.ignored.has(ignoreId(uri, m.key, m.range.start.line)));
    this.marks.set(uri.toString(), kept);
    (this.collection ??= vscode.languages.createDiagnosticCollection('kagi-plaintext')).set(
      uri,
      kept.map((m) => {
        const where = m.scopes.length ? ` (${m.scopes.join(', ')})` : '';
        const d = new vscode.Diagnostic(
          m.range,
          vscode.l10n.t(
            'The value of {0}{1} is written here in plain text: read it from the environment instead.',
            m.key,
            where,
          ),
          vscode.DiagnosticSeverity.Warning,
        );
        d.source = SOURCE;
        d.code = CODE;
        return d;
      }),
    );
  }

  markAt(uri: vscode.Uri, range: vscode.Range): Mark | undefined {
    return this.marks.get(uri.toString())?.find((m) => m.range.isEqual(range));
  }

  ignore(uri: vscode.Uri, key: string, line: number): void {
    this.ignored.add(ignoreId(uri, key, line));
    const marks = this.marks.get(uri.toString()) ?? [];
    this.set(
      uri,
      marks.filter((m) => !(m.key === key && m.range.start.line === line)),
    );
  }

  /** `kagi scan` over each vault's folder: what Git would commit, into the Problems view. */
  async scanWorkspace(): Promise<number> {
    let total = 0;
    for (const v of this.ctx.vaults()) {
      const result = await scanForLeaks(v.project, { cwd: v.project.root, pathspecs: [], staged: false });
      const byFile = new Map<string, Mark[]>();
      for (const f of result.findings) {
        const uri = vscode.Uri.joinPath(vscode.Uri.file(v.project.root), f.path).toString();
        const start = new vscode.Position(f.line - 1, f.column - 1);
        const range = new vscode.Range(start, start.translate(0, f.length));
        const list = byFile.get(uri) ?? [];
        for (const key of new Set(f.sources.map((s) => s.key))) {
          list.push({ range, key, scopes: f.sources.filter((s) => s.key === key).map((s) => s.scope) });
        }
        byFile.set(uri, list);
      }
      for (const [uri, marks] of byFile) this.set(vscode.Uri.parse(uri), marks);
      total += result.findings.length;
    }
    return total;
  }

  dispose(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.collection?.dispose();
  }
}

const ignoreId = (uri: vscode.Uri, key: string, line: number) => `${uri.toString()}\0${key}\0${line}`;

class PlaintextFixes implements vscode.CodeActionProvider {
  constructor(private readonly guard: PlaintextGuard) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext) {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== SOURCE || d.code !== CODE) continue;
      const mark = this.guard.markAt(doc.uri, d.range);
      if (!mark) continue;
      const text = doc.getText();
      const ref = referenceFor(doc.languageId, mark.key, text);
      if (ref) {
        const span = replacementSpan(
          text,
          doc.offsetAt(d.range.start),
          doc.offsetAt(d.range.end) - doc.offsetAt(d.range.start),
          ref.replaceQuotes,
        );
        const fix = new vscode.CodeAction(
          vscode.l10n.t('Replace with a reference to {0}', mark.key),
          vscode.CodeActionKind.QuickFix,
        );
        fix.edit = new vscode.WorkspaceEdit();
        fix.edit.replace(doc.uri, new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end)), ref.text);
        fix.diagnostics = [d];
        fix.isPreferred = true;
        actions.push(fix);
      }
      const ignore = new vscode.CodeAction(vscode.l10n.t('Ignore here'), vscode.CodeActionKind.QuickFix);
      ignore.command = {
        command: 'kagi.ignorePlaintext',
        title: vscode.l10n.t('Ignore here'),
        arguments: [doc.uri, mark.key, d.range.start.line],
      };
      ignore.diagnostics = [d];
      actions.push(ignore);
    }
    return actions;
  }
}

export function registerPlaintextGuard(ctx: Ctx): PlaintextGuard {
  const guard = new PlaintextGuard(ctx);
  const recheckAll = () => vscode.workspace.textDocuments.forEach((d) => guard.schedule(d));
  ctx.registerAfterActivation(() =>
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new PlaintextFixes(guard), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
  );
  ctx.extension.subscriptions.push(
    guard,
    vscode.workspace.onDidOpenTextDocument((d) => guard.schedule(d)),
    vscode.workspace.onDidChangeTextDocument((e) => guard.schedule(e.document)),
    ctx.onDidChangeVault((c) => {
      guard.forget(c.vault);
      recheckAll();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(recheckAll),
  );
  registerGuarded(ctx, 'kagi.scanWorkspace', async () => {
    const n = await guard.scanWorkspace();
    ctx.prompter.info(
      n === 0
        ? vscode.l10n.t('Kagi: no vault value found in plain text in the files Git would commit.')
        : vscode.l10n.t('Kagi: {0} vault value(s) found in plain text. See the Problems view.', n),
    );
    return n;
  });
  registerGuarded(ctx, 'kagi.ignorePlaintext', async (uri, key, line) => {
    if (uri instanceof vscode.Uri && typeof key === 'string' && typeof line === 'number') guard.ignore(uri, key, line);
  });
  // Each check waits for a typing pause anyway: the open documents are listed after activation.
  ctx.afterActivation(recheckAll);
  return guard;
}
