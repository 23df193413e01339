import * as dotenv from 'dotenv';
import { KagiError } from '../errors';

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
      throw badDotenv(
        fileName,
        n,
        `the line is ${end - start} characters long (at most ${MAX_DOTENV_LINE})`,
        'this does not look like a .env file; check that you picked the right file',
      );
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  if (text.length > MAX_DOTENV_BYTES) {
    throw badDotenv(
      fileName,
      undefined,
      `the file is larger than ${MAX_DOTENV_BYTES} characters`,
      'split it, or pick the right file',
    );
  }
  const bin = BINARY.exec(text);
  if (bin) {
    const line = text.slice(0, bin.index).split('\n').length;
    throw badDotenv(
      fileName,
      line,
      `binary content (${bin[0] === '\0' ? 'a NUL character' : 'invalid UTF-8'})`,
      'a .env file is UTF-8 text; check that you picked the right file',
    );
  }
}

/** Decodes a .env file's bytes: strict UTF-8, so a binary or UTF-16 file is refused instead of read as garbage. */
export function decodeDotenvFile(bytes: Uint8Array, fileName: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw badDotenv(
      fileName,
      undefined,
      'the file is not UTF-8 text',
      'save it as UTF-8, or check that you picked the right file',
    );
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
 * A multi-line value's closing line that reads like the opening of the next
 * entry (`B="`): far more often a missing closing quote above than a value.
 */
export function looksLikeNextEntry(closingLine: string, q: string): boolean {
  return new RegExp(`^(?:export\\s+)?[\\w.-]+\\s*=\\s*\\${q}$`).test(closingLine.trim());
}

/**
 * dotenv silently keeps a stray opening quote as part of the value (`A="abc`)
 * and lets a missing closing quote swallow the following lines up to the next
 * `KEY="` line. Both are almost always a typo that would import a wrong value.
 */
function checkQuotes(
  raw: string | undefined,
  key: string,
  fileName: string,
  lineNo: number,
  lines: Lines,
  end?: number,
): void {
  const v = raw?.trim() ?? '';
  const q = v[0];
  if (q !== '"' && q !== "'" && q !== '`') return;
  if (v.length < 2 || v[v.length - 1] !== q) {
    throw badDotenv(
      fileName,
      lineNo,
      `the value of ${key} opens a ${q} quote that is not closed on a line of its own`,
      `close the quote (or remove text after it), or escape it`,
    );
  }
  if (end === undefined) return;
  const lastLine = lines.numberAt(end - 1);
  if (lastLine === lineNo) return;
  if (looksLikeNextEntry(lines.line(lastLine), q)) {
    throw badDotenv(
      fileName,
      lineNo,
      `the value of ${key} opens a ${q} quote that is only closed on line ${lastLine}, by what looks like the next entry`,
      'add the missing closing quote',
    );
  }
}
