import * as dotenv from 'dotenv';
import { KagiError } from './errors';
import type { Store } from './format/store';
import type { Project } from './project';
import { joinScope, splitScope, validateName, validateScope } from './scopes';
import { precreateServiceEnvs, readScopes, validateSecretKey } from './secrets';

/*
 * .env files, parsed and written with the `dotenv` package's own grammar
 * (export prefix, quotes, `\n` escapes in double quotes, multi-line values,
 * inline comments), so that files we write are read back the same by every
 * Node tool, and files people write mean what they mean to Node.
 */

export interface DotenvEntry {
  key: string;
  value: string;
  description?: string;
}

/** One env string is at most 128 KiB on Linux (MAX_ARG_STRLEN); longer lines are not .env content. */
export const MAX_DOTENV_LINE = 128 * 1024;
export const MAX_DOTENV_BYTES = 4 * 1024 * 1024;

/**
 * dotenv 18's line grammar, copied so we can find where each entry starts and
 * ends (line numbers, descriptions). Sticky: we try it only at line starts we
 * choose, which also avoids dotenv's quadratic scan over runs of blank lines.
 * The values themselves still come from `dotenv.parse`.
 */
const DOTENV_LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dmy;
const LINE_END = /\n/g;
/**
 * Text never holds NUL; binary files (and UTF-16 text) almost always do. U+FFFD
 * is what a lenient UTF-8 decode leaves of invalid bytes: refused too, so a
 * caller that read the file with `toString('utf8')` still cannot import garbage.
 */
const BINARY = /[\0\ufffd]/;

function badDotenv(fileName: string, line: number | undefined, message: string, hint: string): KagiError {
  return new KagiError('bad-dotenv', `${fileName}${line === undefined ? '' : `, line ${line}`}: ${message}`, hint);
}

/** Line starts, for turning offsets into 1-based line numbers. */
class Lines {
  readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (const m of text.matchAll(LINE_END)) this.starts.push(m.index! + 1);
  }
  numberAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  /** 1-based line `n` without its terminator. */
  line(n: number): string {
    const start = this.starts[n - 1]!;
    const next = this.starts[n];
    return this.text.slice(start, next === undefined ? undefined : next - 1);
  }
  get count(): number {
    return this.starts.length;
  }
}

/** Size limits first, with cheap scans, so hostile input fails before any real work. */
function checkShape(text: string, fileName: string): void {
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end - start > MAX_DOTENV_LINE) {
      throw badDotenv(fileName, n, `the line is ${end - start} characters long (at most ${MAX_DOTENV_LINE})`,
        'this does not look like a .env file; check that you picked the right file');
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  if (text.length > MAX_DOTENV_BYTES) {
    throw badDotenv(fileName, undefined, `the file is larger than ${MAX_DOTENV_BYTES} characters`, 'split it, or pick the right file');
  }
  const bin = BINARY.exec(text);
  if (bin) {
    const line = text.slice(0, bin.index).split('\n').length;
    throw badDotenv(fileName, line, `binary content (${bin[0] === '\0' ? 'a NUL character' : 'invalid UTF-8'})`,
      'a .env file is UTF-8 text; check that you picked the right file');
  }
}

/** Decodes a .env file's bytes: strict UTF-8, so a binary or UTF-16 file is refused instead of read as garbage. */
export function decodeDotenvFile(bytes: Uint8Array, fileName: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw badDotenv(fileName, undefined, 'the file is not UTF-8 text', 'save it as UTF-8, or check that you picked the right file');
  }
}

/**
 * Parses a .env file. Comment lines directly above a key (no blank line in
 * between) become its description; duplicate keys: the last one wins.
 * Errors name the file, line and key, never a value.
 */
export function parseDotenv(text: string, fileName: string): DotenvEntry[] {
  const normalized = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  checkShape(normalized, fileName);
  const lines = new Lines(normalized);
  const out = new Map<string, DotenvEntry>();
  let comments: string[] = [];
  let n = 1;
  while (n <= lines.count) {
    const line = lines.line(n);
    const trimmed = line.trim();
    if (trimmed === '') {
      comments = [];
      n++;
      continue;
    }
    const isComment = trimmed.startsWith('#');
    const m = matchEntry(normalized, lines.starts[n - 1]!, line, !isComment);
    if (isComment && !m) {
      const c = trimmed.slice(1).trim();
      if (c !== '') comments.push(c);
      n++;
      continue;
    }
    if (!m) {
      comments = []; // not an entry: what came above described something else
      n++;
      continue;
    }
    const entry = readEntry(m, fileName, lines, comments);
    out.delete(entry.key);
    out.set(entry.key, entry);
    comments = [];
    n = lines.numberAt(m.indices![2]?.[1] ?? m.indices![1]![1]) + 1;
  }
  return [...out.values()];
}

/**
 * dotenv's `^` also matches after U+2028/U+2029, so an entry can start there
 * inside a line that does not start with one.
 */
function matchEntry(text: string, lineStart: number, line: string, atLineStart: boolean): RegExpExecArray | null {
  const starts = atLineStart ? [lineStart] : [];
  for (const m of line.matchAll(/[\u2028\u2029]/g)) starts.push(lineStart + m.index! + 1);
  for (const start of starts) {
    DOTENV_LINE.lastIndex = start;
    const m = DOTENV_LINE.exec(text);
    if (m) return m;
  }
  return null;
}

function readEntry(m: RegExpExecArray, fileName: string, lines: Lines, comments: string[]): DotenvEntry {
  const key = m[1]!;
  const lineNo = lines.numberAt(m.indices![1]![0]);
  if (key === '__proto__') {
    throw badDotenv(fileName, lineNo, 'the key __proto__ cannot be used', 'rename the variable');
  }
  checkQuotes(m[2], key, fileName, lineNo, lines, m.indices![2]?.[1]);
  // The span is exactly one entry, so dotenv reads the value as it would in the whole file.
  const value = dotenv.parse(m[0])[key];
  if (value === undefined) {
    throw badDotenv(fileName, lineNo, `the entry ${key} could not be read`, 'check the quotes on that line');
  }
  const entry: DotenvEntry = { key, value };
  if (comments.length > 0) entry.description = comments.join('\n');
  return entry;
}

/**
 * dotenv silently keeps a stray opening quote as part of the value (`A="abc`)
 * and lets a missing closing quote swallow the following lines up to the next
 * `KEY="` line. Both are almost always a typo that would import a wrong value.
 */
function checkQuotes(raw: string | undefined, key: string, fileName: string, lineNo: number, lines: Lines, end?: number): void {
  const v = raw?.trim() ?? '';
  const q = v[0];
  if (q !== '"' && q !== "'" && q !== '`') return;
  if (v.length < 2 || v[v.length - 1] !== q) {
    throw badDotenv(fileName, lineNo, `the value of ${key} opens a ${q} quote that is not closed on a line of its own`,
      `close the quote (or remove text after it), or escape it`);
  }
  if (end === undefined) return;
  const lastLine = lines.numberAt(end - 1);
  if (lastLine === lineNo) return;
  const closing = lines.line(lastLine).trim();
  if (new RegExp(`^(?:export\\s+)?[\\w.-]+\\s*=\\s*\\${q}$`).test(closing)) {
    throw badDotenv(fileName, lineNo, `the value of ${key} opens a ${q} quote that is only closed on line ${lastLine}, by what looks like the next entry`,
      'add the missing closing quote');
  }
}

const DOTENV_KEY = /^[\w.-]+$/;

/**
 * Writes secrets as a .env file that `dotenv.parse` reads back byte-identical:
 * sorted by key, each description as `# …` lines, every value quoted with a
 * quote style that needs no escaping (dotenv has no general escape syntax).
 * A value no dotenv quoting can carry is refused by key name, never written lossy.
 */
export function formatDotenv(secrets: Iterable<{ key: string; value: string; description?: string }>): string {
  const sorted = [...secrets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const blocks: string[] = [];
  let later = '';
  // Built from the end: a value ending in `\` is safe only if its quote char does not occur later.
  for (let i = sorted.length - 1; i >= 0; i--) {
    const s = sorted[i]!;
    if (!DOTENV_KEY.test(s.key) || s.key === '__proto__') {
      throw new KagiError('bad-dotenv', `the key ${JSON.stringify(s.key)} cannot be written to a .env file`,
        'dotenv keys use only letters, digits, "_", "." and "-"; rename the secret');
    }
    if (s.value.includes('\0')) {
      throw new KagiError('bad-dotenv', `the value of ${s.key} contains a NUL character, which no environment variable can hold`,
        'fix the secret with `set`');
    }
    if (s.value.includes('\ufffd')) {
      throw new KagiError('bad-dotenv', `the value of ${s.key} contains U+FFFD (a sign of invalid UTF-8), which import refuses`,
        'fix the secret with `set`, or export it another way');
    }
    const block = descriptionLines(s.description) + `${s.key}=${encodeValue(s.key, s.value, later)}\n`;
    blocks.unshift(block);
    later = block + later;
  }
  const text = blocks.join('');
  verifyRoundTrip(text, sorted);
  return text;
}

function descriptionLines(description: string | undefined): string {
  if (description === undefined) return '';
  return description.split(/\r\n|[\r\n\u2028\u2029]/).map((l) => l.trim()).filter((l) => l !== '').map((l) => `# ${l}\n`).join('');
}

const LINE_BREAK = /[\r\n\u2028\u2029]/;

/**
 * dotenv reads `\q` inside q-quotes as part of the value, so a value ending in
 * `\` lets its closing quote run on to the next q that ends a line later in the
 * file. Such a value may use q only when no later q can close it.
 */
function canCloseLater(q: string, later: string): boolean {
  return new RegExp(`\\${q}\\s*(?:#.*)?$`, 'm').test(later);
}

function encodeValue(key: string, value: string, later: string): string {
  const endsInBackslash = value.endsWith('\\');
  const quotable = (q: string) => !value.includes(q) && !value.includes('\r') && (!endsInBackslash || !canCloseLater(q, later));
  const double = () => `"${value.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
  // Single quotes first (nothing is unescaped in them); line breaks read best as `\n` in double quotes.
  if (!/[\n\u2028\u2029]/.test(value) && quotable("'")) return `'${value}'`;
  if (fitsDoubleQuotes(value, later)) return double();
  if (quotable("'")) return `'${value}'`;
  if (quotable('`')) return `\`${value}\``;
  if (fitsUnquoted(value)) return value;
  throw new KagiError('bad-dotenv', `the value of ${key} cannot be written to a .env file without changing it`,
    'dotenv has no escape for this mix of quotes, line breaks and "#"; export it another way (e.g. `get`)');
}

/** In double quotes dotenv turns `\n`/`\r` into line breaks and unescapes nothing else. */
function fitsDoubleQuotes(value: string, later: string): boolean {
  if (value.includes('"') || /\\[nr]/.test(value)) return false;
  return !value.endsWith('\\') || !canCloseLater('"', later);
}

function fitsUnquoted(value: string): boolean {
  return value !== '' && !value.includes('#') && !LINE_BREAK.test(value) && value.trim() === value && !/^['"`]/.test(value);
}

/** A last guard against a quoting mistake: re-read what we wrote, with dotenv and with our parser. */
function verifyRoundTrip(text: string, secrets: { key: string; value: string }[]): void {
  const back = dotenv.parse(text);
  const ours = new Map(parseDotenv(text, '(export)').map((e) => [e.key, e.value]));
  const broken = secrets.filter((s) => back[s.key] !== s.value || ours.get(s.key) !== s.value).map((s) => s.key);
  if (broken.length > 0) {
    throw new KagiError('bad-dotenv', `cannot write ${broken.join(', ')} to a .env file without changing the value`,
      'export those secrets another way (e.g. `get`)');
  }
}

/** `.env.<env>` for `--out` (spec §8.2): the env is the part after the first `/`. */
export function exportFileName(scope: string): string {
  const { env } = splitScope(scope);
  if (env.includes('/')) {
    throw new KagiError('bad-name', `scope ${scope} has no single environment name to use in a file name`,
      'export it to stdout instead');
  }
  return `.env.${env}`;
}

export async function exportScope(project: Project, scope: string): Promise<string> {
  const store = (await readScopes(project, [scope])).get(scope)!;
  return formatDotenv(store.secrets.values());
}

export interface ImportPlan {
  scope: string;
  added: string[];
  overwritten: string[];
  unchanged: string[];
  entries: DotenvEntry[];
}

/** Compares the entries with what the scope holds now; writes nothing. */
export async function planImport(project: Project, scope: string, entries: DotenvEntry[]): Promise<ImportPlan> {
  validateScope(scope);
  const unique = dedupe(entries);
  unique.forEach((e) => validateSecretKey(e.key));
  const cfg = project.config();
  const current = cfg.services[scope] ? project.readScope(cfg, scope, (await project.key(cfg)).key) : undefined;
  return compare(scope, unique, current);
}

function dedupe(entries: DotenvEntry[]): DotenvEntry[] {
  const m = new Map<string, DotenvEntry>();
  for (const e of entries) {
    m.delete(e.key);
    m.set(e.key, e);
  }
  return [...m.values()];
}

function compare(scope: string, entries: DotenvEntry[], store: Store | undefined): ImportPlan {
  const plan: ImportPlan = { scope, added: [], overwritten: [], unchanged: [], entries };
  for (const e of entries) {
    const existing = store?.secrets.get(e.key);
    if (!existing) plan.added.push(e.key);
    else if (existing.value === e.value && existing.description === e.description) plan.unchanged.push(e.key);
    else plan.overwritten.push(e.key);
  }
  return plan;
}

/**
 * Applies a plan against the scope as it is now (re-read under the lock), so a
 * change made since the preview is never overwritten unasked.
 */
export async function applyImport(project: Project, plan: ImportPlan, opts: { overwrite: boolean }): Promise<ImportPlan> {
  validateScope(plan.scope);
  const entries = dedupe(plan.entries);
  entries.forEach((e) => validateSecretKey(e.key));
  return project.mutate(async () => {
    const cfg = project.config();
    const { key } = await project.key(cfg);
    const store = project.readScopeOrEmpty(cfg, plan.scope, key);
    const now = compare(plan.scope, entries, cfg.services[plan.scope] ? store : undefined);
    if (!opts.overwrite && now.overwritten.length > 0) {
      throw new KagiError('conflict', `importing into ${plan.scope} would overwrite ${now.overwritten.join(', ')}`,
        'review the differences, then import with --force (overwrite) to replace them');
    }
    if (cfg.services[plan.scope] && now.added.length === 0 && now.overwritten.length === 0) return now;
    for (const e of entries) {
      const extra = store.secrets.get(e.key)?.extra ?? {};
      // As Rust: the description comes from the file, or is removed.
      store.secrets.set(e.key, { key: e.key, value: e.value, extra, ...(e.description !== undefined ? { description: e.description } : {}) });
    }
    precreateServiceEnvs(project, cfg, plan.scope, key);
    project.writeScope(cfg, plan.scope, store, key);
    project.writeConfig(cfg);
    return now;
  });
}

export interface TemplateEntry {
  key: string;
  value: string;
  commented: boolean;
}

const TEMPLATE_KEY = /^[\p{Alphabetic}\p{N}_]+$/u;

/**
 * The `sync` template parser of spec §8.3, deliberately not dotenv's: `# KEY=…`
 * lines count (commented-out keys), quotes are kept, `export FOO=` is skipped.
 */
export function parseTemplate(text: string): TemplateEntry[] {
  const out: TemplateEntry[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    const commented = line.startsWith('#');
    if (commented) line = line.slice(1).trim();
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    if (!TEMPLATE_KEY.test(key)) continue;
    out.push({ key, value: line.slice(eq + 1).trim(), commented });
  }
  return out;
}

export const SYNC_DEFAULT_ENVS = ['development', 'test', 'staging', 'production'];

/** Adds template keys missing from each target scope; never overwrites a value. */
export async function syncFromTemplate(
  project: Project,
  opts: { service?: string; sources: { name: string; text: string }[]; envs?: string[] },
): Promise<{ scope: string; added: string[] }[]> {
  if (opts.sources.length === 0) {
    throw new KagiError('usage', 'no template to sync from', 'create .env.example, or pass --example / --sources');
  }
  if (opts.service !== undefined) validateName(opts.service, 'service');
  const envs = opts.envs ?? SYNC_DEFAULT_ENVS;
  envs.forEach((e) => validateName(e, 'environment'));
  const merged = new Map<string, TemplateEntry>();
  for (const s of opts.sources) for (const e of parseTemplate(s.text)) merged.set(e.key, e);
  return project.mutate(async () => {
    const cfg = project.config();
    const { key } = await project.key(cfg);
    const results: { scope: string; added: string[] }[] = [];
    for (const env of envs) {
      const scope = joinScope(opts.service, env);
      const store = project.readScopeOrEmpty(cfg, scope, key);
      const added: string[] = [];
      for (const e of merged.values()) {
        if (store.secrets.has(e.key)) continue;
        store.secrets.set(e.key, { key: e.key, value: e.commented ? '' : e.value, extra: {} });
        added.push(e.key);
      }
      precreateServiceEnvs(project, cfg, scope, key);
      project.writeScope(cfg, scope, store, key);
      results.push({ scope, added });
    }
    project.writeConfig(cfg);
    return results;
  });
}
