import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { base64nopad, bech32 } from '@scure/base';
import { openChaCha20Poly1305 } from './aead';
import { x25519, x25519Base, X25519_BYTES } from './x25519';

/**
 * Opens a binary age v1 file (age-encryption.org/v1, C2SP's age specification) for one X25519
 * identity, in one synchronous pass through node:crypto.
 *
 * Why our own reader: every command that needs the project key opens one such file, a wrapped
 * key of 32 bytes. age-encryption's reader streams it through WHATWG streams and promises; the
 * streams alone load ~20 internal modules, and a CLI run spent ~12 ms of its ~35 ms above a bare
 * `node` there (bench/README.md, round 11). Writing keeps age-encryption (wrap.ts), and tests
 * hold this reader to Go `age` and age-encryption byte for byte (test/unit/age-file.test.ts).
 *
 * It reads what kagi and the Rust CLI write, a file key for one recipient and a payload of
 * one STREAM chunk; a file holding more than one chunk (64 KiB) is refused, not opened.
 */

const AGE_VERSION_LINE = 'age-encryption.org/v1';
const X25519_LABEL = 'age-encryption.org/v1/X25519';
const FILE_KEY_BYTES = 16;
const TAG_BYTES = 16;
const STREAM_NONCE_BYTES = 16;
const CHUNK_BYTES = 64 * 1024;
/** Base64 characters per full body line (48 bytes). */
const BODY_COLUMNS = 64;
/** No header kagi reads is near this; a bigger one is hostile, and is refused before any work. */
const MAX_HEADER_BYTES = 64 * 1024;

/** An age file that does not parse, or whose MAC or payload fails: never "not for you". */
export class AgeFormatError extends Error {}

interface AgeStanza {
  args: string[];
  body: Uint8Array;
}

interface AgeHeader {
  stanzas: AgeStanza[];
  /** the header through `---`, what the MAC covers */
  covered: Uint8Array;
  mac: Uint8Array;
  payload: Uint8Array;
}

/** An X25519 identity, decoded once: its scalar and the public key age mixes into each stanza's salt. */
export interface AgeIdentity {
  scalar: Uint8Array;
  publicKey: Uint8Array;
}

const IDENTITY_PREFIX = 'AGE-SECRET-KEY-';

/** `AGE-SECRET-KEY-1…` → its scalar and public key; throws on anything else, as age does. */
export function parseAgeIdentity(secretKey: string): AgeIdentity {
  let decoded: { prefix: string; bytes: Uint8Array };
  try {
    decoded = bech32.decodeToBytes(secretKey);
  } catch {
    throw new AgeFormatError('invalid age identity');
  }
  if (
    !secretKey.startsWith(`${IDENTITY_PREFIX}1`) ||
    decoded.prefix.toUpperCase() !== IDENTITY_PREFIX ||
    decoded.bytes.length !== X25519_BYTES
  )
    throw new AgeFormatError('invalid age identity');
  return { scalar: decoded.bytes, publicKey: x25519Base(decoded.bytes) };
}

/** The `age1…` recipient of an identity. */
export function ageRecipient(identity: AgeIdentity): string {
  return bech32.encodeFromBytes('age', identity.publicKey);
}

/** The `-> ` stanzas of a header, counted without decoding or trying any of them. */
export function countStanzas(file: Uint8Array): number {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const end = bytes.indexOf('\n---');
  const header = end < 0 ? bytes : bytes.subarray(0, end);
  let count = 0;
  for (let at = header.indexOf('\n-> '); at >= 0; at = header.indexOf('\n-> ', at + 1)) count++;
  return count;
}

/**
 * The payload of `file` when one of its X25519 stanzas is for `identity`; undefined when none
 * is. Throws AgeFormatError when the file is malformed, or is for this identity but its header
 * MAC or payload does not authenticate.
 */
export function openAgeFile(file: Uint8Array, identity: AgeIdentity): Uint8Array | undefined {
  const header = parseHeader(file);
  const fileKey = unwrapFileKey(header.stanzas, identity);
  if (!fileKey) return undefined;
  const mac = createHmac('sha256', hkdf(fileKey, new Uint8Array(0), 'header'))
    .update(header.covered)
    .digest();
  if (header.mac.length !== mac.length || !timingSafeEqual(header.mac, mac))
    throw new AgeFormatError('invalid header MAC');
  return openPayload(header.payload, fileKey);
}

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32));
}

/** The first X25519 stanza this identity opens; other recipient types are skipped, as age skips them. */
function unwrapFileKey(stanzas: AgeStanza[], identity: AgeIdentity): Uint8Array | undefined {
  for (const { args, body } of stanzas) {
    if (args[0] !== 'X25519') continue;
    const share = args.length === 2 ? decodeBase64(args[1]!) : undefined;
    if (!share || share.length !== X25519_BYTES || body.length !== FILE_KEY_BYTES + TAG_BYTES)
      throw new AgeFormatError('invalid X25519 stanza');
    let secret: Uint8Array;
    try {
      secret = x25519(identity.scalar, share);
    } catch {
      throw new AgeFormatError('invalid X25519 stanza: a low-order share');
    }
    const salt = new Uint8Array(2 * X25519_BYTES);
    salt.set(share);
    salt.set(identity.publicKey, X25519_BYTES);
    const wrapKey = hkdf(secret, salt, X25519_LABEL);
    try {
      return openChaCha20Poly1305(wrapKey, new Uint8Array(12), body);
    } catch {
      // Sealed for another recipient: try the next stanza.
    }
  }
  return undefined;
}

/** STREAM (age's payload) of a single, final chunk: the nonce's counter 0 with the last-chunk flag. */
function openPayload(payload: Uint8Array, fileKey: Uint8Array): Uint8Array {
  if (payload.length < STREAM_NONCE_BYTES + TAG_BYTES) throw new AgeFormatError('age payload is truncated');
  const sealed = payload.subarray(STREAM_NONCE_BYTES);
  if (sealed.length > CHUNK_BYTES + TAG_BYTES)
    throw new AgeFormatError('age payload holds more than one chunk: larger than any key kagi wraps');
  const streamKey = hkdf(fileKey, payload.subarray(0, STREAM_NONCE_BYTES), 'payload');
  const nonce = new Uint8Array(12);
  nonce[11] = 1;
  try {
    return openChaCha20Poly1305(streamKey, nonce, sealed);
  } catch {
    throw new AgeFormatError('age payload does not authenticate');
  }
}

/** Canonical unpadded base64, or undefined. */
function decodeBase64(text: string): Uint8Array | undefined {
  try {
    return base64nopad.decode(text);
  } catch {
    return undefined;
  }
}

/** The header's lines as age defines them: printable ASCII, `\n`-terminated. */
class Lines {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get offset(): number {
    return this.at;
  }

  next(): string {
    const end = this.bytes.indexOf(0x0a, this.at);
    if (end < 0 || end > MAX_HEADER_BYTES) throw new AgeFormatError('age header is truncated or too long');
    for (let i = this.at; i < end; i++) {
      const b = this.bytes[i]!;
      if (b < 0x20 || b > 0x7e) throw new AgeFormatError('age header holds a byte that is not printable ASCII');
    }
    const line = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.at, end - this.at).toString('latin1');
    this.at = end + 1;
    return line;
  }
}

function parseHeader(file: Uint8Array): AgeHeader {
  const lines = new Lines(file);
  if (lines.next() !== AGE_VERSION_LINE) throw new AgeFormatError('not a binary age v1 file');
  const stanzas: AgeStanza[] = [];
  for (;;) {
    const start = lines.offset;
    const line = lines.next();
    if (line.startsWith('--- ')) {
      const mac = decodeBase64(line.slice(4));
      if (!mac) throw new AgeFormatError('invalid age header MAC line');
      return { stanzas, covered: file.subarray(0, start + 3), mac, payload: file.subarray(lines.offset) };
    }
    stanzas.push(parseStanza(line, lines));
  }
}

function parseStanza(line: string, lines: Lines): AgeStanza {
  const args = line.split(' ');
  if (args.length < 2 || args.shift() !== '->' || args.some((a) => a === ''))
    throw new AgeFormatError('invalid age stanza');
  const chunks: Uint8Array[] = [];
  for (;;) {
    const text = lines.next();
    const chunk = text.length <= BODY_COLUMNS ? decodeBase64(text) : undefined;
    if (!chunk) throw new AgeFormatError('invalid age stanza body');
    chunks.push(chunk);
    if (text.length < BODY_COLUMNS) return { args, body: Buffer.concat(chunks) };
  }
}
