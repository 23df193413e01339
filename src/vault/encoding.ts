import { KagiError, type KagiErrorCode } from './errors';

const BASE64_STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard padded base64 as strictly as Rust's `STANDARD` engine:
 * no url-safe alphabet, no missing padding, no whitespace, no non-zero trailing bits.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (!BASE64_STANDARD.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function fromUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new KagiError('bad-store', `${what} is not valid UTF-8`, 'restore it from Git');
  }
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
 * Parses a vault JSON file. Errors name the file and never quote its content,
 * which may be a decrypted store.
 */
export function parseJsonFile(text: string, file: string, code: KagiErrorCode): unknown {
  if (hasConflictMarkers(text)) {
    throw new KagiError(code, `${file} has unresolved Git conflict markers`,
      'resolve the merge (for access.json, keep every member of both sides) and retry');
  }
  try {
    return JSON.parse(stripBom(text));
  } catch (e) {
    const where = (e as Error).message.match(/position \d+(?: \(line \d+ column \d+\))?/)?.[0];
    throw new KagiError(code, `${file} is not valid JSON${where ? ` (${where})` : ''}`,
      'restore it from Git or fix the syntax');
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
