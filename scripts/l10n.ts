// The extension's user-facing strings, read from its sources with the TypeScript compiler:
// the messages of every `vscode.l10n.t(...)` (l10n/bundle.l10n.json, the English bundle that
// translations start from) and the places that still show a person a bare string literal
// (test/unit/l10n.test.ts fails on them). Used by `npm run gen:contributions` and the tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const EXTENSION_DIR = path.join(REPO_ROOT, 'src', 'extension');
export const bundleFile = 'l10n/bundle.l10n.json';

/** Every TypeScript source below `dirs` (default: the extension's), relative to the repository, sorted. */
export function extensionSources(dirs = [EXTENSION_DIR]): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.name.endsWith('.ts')) out.push(path.relative(REPO_ROOT, full).split(path.sep).join('/'));
    }
  };
  for (const dir of dirs) visit(dir);
  return out.sort();
}

function parse(file: string): ts.SourceFile {
  const text = fs.readFileSync(path.resolve(REPO_ROOT, file), 'utf8');
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
}

function forEachNode(node: ts.Node, fn: (n: ts.Node) => void): void {
  fn(node);
  node.forEachChild((c) => forEachNode(c, fn));
}

/** A string place found in a source: file, 1-based line and the code. */
export interface Finding {
  file: string;
  line: number;
  code: string;
}

function finding(sf: ts.SourceFile, node: ts.Node): Finding {
  const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  return { file: sf.fileName, line, code: node.getText(sf).replace(/\s+/g, ' ').slice(0, 120) };
}

function isL10nCall(node: ts.Node): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 't' &&
    /(^|\.)l10n$/.test(node.expression.expression.getText())
  );
}

/** The extension's sources and its webviews' (their words go through webview-ui/shared/l10n.ts). */
export function translatedSources(): string[] {
  return extensionSources([EXTENSION_DIR, path.join(REPO_ROOT, 'webview-ui')]);
}

/** The messages of the `l10n.t(...)` calls in `files`; a message that is not a literal is an error. */
export function l10nMessages(files = translatedSources()): { messages: string[]; dynamic: Finding[] } {
  const messages = new Set<string>();
  const dynamic: Finding[] = [];
  for (const file of files) {
    const sf = parse(file);
    forEachNode(sf, (n) => {
      if (!isL10nCall(n)) return;
      const first = n.arguments[0];
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) messages.add(first.text);
      else if (!ignored(sf, n)) dynamic.push(finding(sf, n));
    });
  }
  return { messages: [...messages].sort(), dynamic };
}

/** l10n/bundle.l10n.json: each message maps to itself (the format `@vscode/l10n-dev export` writes). */
export function l10nBundle(files = translatedSources()): Record<string, string> {
  return Object.fromEntries(l10nMessages(files).messages.map((m) => [m, m]));
}

/** Calls whose arguments a person reads, by the object they are called on. */
const SHOWN_CALLS: { on: RegExp; names: Set<string> }[] = [
  { on: /(^|\.)window$/, names: new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage']) },
  { on: /(^|\.)window$/, names: new Set(['setStatusBarMessage']) },
  {
    on: /(^|\.)prompter$/,
    names: new Set(['info', 'warn', 'error', 'offer', 'confirm', 'report', 'showValue', 'progress', 'refuseUntrusted']),
  },
];
/** `new vscode.X(...)` whose string arguments are shown. */
const SHOWN_CLASSES = new Set(['CodeAction', 'MarkdownString', 'TreeItem', 'Diagnostic', 'CodeLens', 'Hover']);
/** Properties (in object literals or assigned) that a person reads: picks, inputs, items, buttons. */
const SHOWN_PROPS = new Set([
  'title',
  'prompt',
  'placeHolder',
  'openLabel',
  'label',
  'description',
  'detail',
  'tooltip',
  'message',
]);
/** Assigned only (`item.text = …`: a status bar item); a `text` field of an object is often code. */
const SHOWN_ASSIGNED = new Set([...SHOWN_PROPS, 'text']);
/** The product's name is not translated. */
const UNTRANSLATED = new Set(['Kagi']);

/** True when `node` is a string a person would read: a literal (or template, or `+`) with words. */
function isBareText(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isBareText(node.expression);
  if (ts.isConditionalExpression(node)) return isBareText(node.whenTrue) || isBareText(node.whenFalse);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return isBareText(node.left) || isBareText(node.right);
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.some((e) => isBareText(e));
  let literal: string;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal = node.text;
  else if (ts.isTemplateExpression(node))
    literal = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  else return false;
  if (UNTRANSLATED.has(literal.trim())) return false;
  // Codicons (`$(warning)`) are icons, not words.
  return /\p{L}{2}/u.test(literal.replace(/\$\([\w-]+(~spin)?\)/g, ''));
}

function calleeName(call: ts.CallExpression | ts.NewExpression): { on: string; name: string } | undefined {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee)) return { on: callee.expression.getText(), name: callee.name.text };
  if (ts.isIdentifier(callee)) return { on: '', name: callee.text };
  return undefined;
}

function isShownCall(n: ts.CallExpression | ts.NewExpression): boolean {
  if (ts.isCallExpression(n)) {
    const c = calleeName(n);
    return !!c && SHOWN_CALLS.some((s) => s.on.test(c.on) && s.names.has(c.name));
  }
  if (ts.isNewExpression(n)) {
    const c = calleeName(n);
    return !!c && SHOWN_CLASSES.has(c.name);
  }
  return false;
}

function propName(name: ts.PropertyName | ts.MemberName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** A string shown to a person by convention: a title passed down (`'Kagi: Reveal Secret'`). */
function isKagiTitle(node: ts.Expression): boolean {
  return (ts.isStringLiteral(node) || ts.isTemplateExpression(node)) && /^Kagi: \p{Lu}/u.test(node.getText().slice(1));
}

/** Code on a line marked `l10n-ignore` (or under such a comment line) is not text: a code snippet, an id. */
function ignored(sf: ts.SourceFile, node: ts.Node): boolean {
  const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
  const lines = sf.text.split('\n');
  return [lines[line], lines[line - 1]].some((l) => l?.includes('l10n-ignore'));
}

/** The places in `file` that show a person a bare string instead of `vscode.l10n.t(...)`. */
export function bareUserStrings(file: string): Finding[] {
  const sf = parse(file);
  return findBare(sf)
    .filter((f) => !ignored(sf, f.node))
    .map((f) => finding(sf, f.node));
}

function findBare(sf: ts.SourceFile): { node: ts.Node }[] {
  const out: { node: ts.Node }[] = [];
  forEachNode(sf, (n) => {
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      // A shown call's text arguments; any call's `'Kagi: …'` title handed down to a pick or input.
      const bare = isShownCall(n) ? isBareText : (a: ts.Expression) => isKagiTitle(a) && !isL10nCall(n);
      for (const a of n.arguments ?? []) if (bare(a)) out.push({ node: a });
    } else if (ts.isPropertyAssignment(n) && SHOWN_PROPS.has(propName(n.name) ?? '')) {
      if (isBareText(n.initializer)) out.push({ node: n });
    } else if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(n.left) &&
      SHOWN_ASSIGNED.has(n.left.name.text) &&
      isBareText(n.right)
    ) {
      out.push({ node: n });
    }
  });
  return out;
}
