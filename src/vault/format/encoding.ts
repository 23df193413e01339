import { isUtf8 } from 'node:buffer';
import { KagiError, type KagiErrorCode } from '../errors';

/**
 * Decodes standard padded base64 as strictly as Rust's `STANDARD` engine:
 * no url-safe alphabet, no missing padding, no whitespace, no non-zero trailing bits.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || text.includes('-') || text.includes('_') || !hasZeroTrailingBits(text)) return undefined;
  // Node's decoder skips whitespace and stops at stray characters or inner '=': any of
  // them makes the output shorter than the length the padding promises.
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== (text.length / 4) * 3 - padding) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Only the last quantum can be non-canonical: its padding hides 4 or 2 bits that must be 0. */
function hasZeroTrailingBits(text: string): boolean {
  if (text.endsWith('==')) return (ALPHABET.indexOf(text[text.length - 3]!) & 0b1111) === 0;
  if (text.endsWith('=')) return (ALPHABET.indexOf(text[text.length - 2]!) & 0b11) === 0;
  return true;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function fromUtf8(bytes: Uint8Array, what: string): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isUtf8(buf)) throw new KagiError('bad-store', `${what} is not valid UTF-8`, 'restore it from Git');
  return buf.toString('utf8');
}

export function hexToBytes(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) return undefined;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

const CONFLICT_MARKER = /^(<{7}|={7}|>{7})( |$)/m;

export function hasConflictMarkers(text: string): boolean {
  return CONFLICT_MARKER.test(text);
}

/**
 * How deep a parsed file may nest. `limited` (the default): at most MAX_JSON_DEPTH, for every
 * value that may be kept and written again. `any`: for a caller that takes a few known scalar
 * fields and drops the rest (a listing of names, a process's environment). Nothing it reads
 * recurses, and V8's JSON.parse does not either, so depth costs it nothing but the walk that
 * would measure it (~8 % of a 1,000-secret load: bench `inject_vs_json_parse`).
 */
export type JsonDepth = 'limited' | 'any';

/**
 * Parses a vault JSON file. Errors name the file and never quote its content,
 * which may be a decrypted store.
 */
export function parseJsonFile(text: string, file: string, code: KagiErrorCode, depth: JsonDepth = 'limited'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(stripBom(text));
  } catch (e) {
    // Markers can't appear in valid JSON, so they are looked for only on failure.
    if (hasConflictMarkers(text)) {
      throw new KagiError(
        code,
        `${file} has unresolved Git conflict markers`,
        'resolve the merge (for access.json, keep every member of both sides) and retry',
      );
    }
    const where = (e as Error).message.match(/position \d+(?: \(line \d+ column \d+\))?/)?.[0];
    throw new KagiError(
      code,
      `${file} is not valid JSON${where ? ` (${where})` : ''}`,
      'restore it from Git or fix the syntax',
    );
  }
  if (depth === 'limited' && nestingDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new KagiError(
      code,
      `${file} nests values more than ${MAX_JSON_DEPTH} levels deep (the limit)`,
      'restore it from Git; no kagi file nests that deep',
    );
  }
  return value;
}

/**
 * serde_json's own recursion limit: the Rust CLI refuses deeper files, and a deeper unknown
 * field kept for the next write would overflow JSON.stringify's stack (a RangeError on every write).
 */
export const MAX_JSON_DEPTH = 128;

/** How deep `value` nests (a scalar is 0), counting no further than `limit + 1`; no recursion. */
function nestingDepth(value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  // Two parallel stacks, no pair per node: it walks every object of every file read (bench
  // `inject_vs_json_parse`: a store is a thousand small objects).
  const objects: object[] = [value];
  const depths: number[] = [1];
  while (objects.length > 0) {
    const v = objects.pop()! as Record<string, unknown>;
    const depth = depths.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const k in v) {
      const child = v[k];
      if (typeof child === 'object' && child !== null) {
        objects.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return deepest;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A lone UTF-16 surrogate: no UTF-8 file, environment or other tool can hold it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` survives UTF-8 unchanged (String.prototype.isWellFormed, before ES2024). */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}
