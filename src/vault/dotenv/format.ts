import * as dotenv from 'dotenv';
import { KagiError } from '../errors';
import { looksLikeNextEntry, parseDotenv } from './parse';
import { isWellFormedText } from '../format/encoding';

/* Writing .env text that `dotenv` (and our parser) read back byte-identical. */

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
      throw new KagiError(
        'bad-dotenv',
        `the key ${JSON.stringify(s.key)} cannot be written to a .env file`,
        'dotenv keys use only letters, digits, "_", "." and "-"; rename the secret',
      );
    }
    if (s.value.includes('\0')) {
      throw new KagiError(
        'bad-dotenv',
        `the value of ${s.key} contains a NUL character, which no environment variable can hold`,
        'fix the secret with `set`',
      );
    }
    if (!isWellFormedText(s.value)) {
      throw new KagiError(
        'bad-dotenv',
        `the value of ${s.key} cannot be written to a .env file: it is not valid Unicode text (a lone surrogate)`,
        'fix the secret with `set`',
      );
    }
    if (s.value.includes('\ufffd')) {
      throw new KagiError(
        'bad-dotenv',
        `the value of ${s.key} contains U+FFFD (a sign of invalid UTF-8), which import refuses`,
        'fix the secret with `set`, or export it another way',
      );
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
  return description
    .split(/\r\n|[\r\n\u2028\u2029]/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => `# ${l}\n`)
    .join('');
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
  const quotable = (q: string) =>
    !value.includes(q) &&
    !value.includes('\r') &&
    (!endsInBackslash || !canCloseLater(q, later)) &&
    !closesLikeAnEntry(value, q);
  const double = () => `"${value.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
  // Single quotes first (nothing is unescaped in them); line breaks read best as `\n` in double quotes.
  if (!/[\n\u2028\u2029]/.test(value) && quotable("'")) return `'${value}'`;
  if (fitsDoubleQuotes(value, later)) return double();
  if (quotable("'")) return `'${value}'`;
  if (quotable('`')) return `\`${value}\``;
  if (fitsUnquoted(value)) return value;
  if (closesLikeAnEntry(value, "'")) {
    throw new KagiError(
      'bad-dotenv',
      `the value of ${key} cannot be written to a .env file: its last line reads like the start of another entry (NAME=), which import takes for a missing quote`,
      'export it another way (e.g. `get`), or end the value differently',
    );
  }
  throw new KagiError(
    'bad-dotenv',
    `the value of ${key} cannot be written to a .env file without changing it`,
    'dotenv has no escape for this mix of quotes, line breaks and "#"; export it another way (e.g. `get`)',
  );
}

/**
 * Our import refuses a multi-line quoted value whose closing line reads like
 * `NAME='` (see looksLikeNextEntry), so export must not write one.
 */
function closesLikeAnEntry(value: string, q: string): boolean {
  return value.includes('\n') && looksLikeNextEntry(value.slice(value.lastIndexOf('\n') + 1) + q, q);
}

/** In double quotes dotenv turns `\n`/`\r` into line breaks and unescapes nothing else. */
function fitsDoubleQuotes(value: string, later: string): boolean {
  if (value.includes('"') || /\\[nr]/.test(value)) return false;
  return !value.endsWith('\\') || !canCloseLater('"', later);
}

function fitsUnquoted(value: string): boolean {
  return (
    value !== '' && !value.includes('#') && !LINE_BREAK.test(value) && value.trim() === value && !/^['"`]/.test(value)
  );
}

/** A last guard against a quoting mistake: re-read what we wrote, with dotenv and with our parser. */
function verifyRoundTrip(text: string, secrets: { key: string; value: string }[]): void {
  const back = dotenv.parse(text);
  let ours: Map<string, string>;
  try {
    ours = new Map(parseDotenv(text, '(export)').map((e) => [e.key, e.value]));
  } catch (e) {
    throw new KagiError(
      'bad-dotenv',
      `cannot write this scope to a .env file that import reads back: ${(e as Error).message}`,
      'export those secrets another way (e.g. `get`)',
    );
  }
  const broken = secrets.filter((s) => back[s.key] !== s.value || ours.get(s.key) !== s.value).map((s) => s.key);
  if (broken.length > 0) {
    throw new KagiError(
      'bad-dotenv',
      `cannot write ${broken.join(', ')} to a .env file without changing the value`,
      'export those secrets another way (e.g. `get`)',
    );
  }
}
