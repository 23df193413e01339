import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { base64nopad } from '@scure/base';
import { openChaCha20Poly1305, sealChaCha20Poly1305 } from './aead';
import { parseAgeRecipient, type AgeIdentity } from './ageKeys';
import { x25519, x25519Base, X25519_BYTES } from './x25519';

/**
 * Binary age v1 files (age-encryption.org/v1, C2SP's age specification) for X25519 keys, read
 * and written in one synchronous pass through node:crypto: the members' wrapped project keys.
 *
 * Why our own: every command that needs the project key opens one such file, a wrapped key of
 * 32 bytes. age-encryption reads and writes through WHATWG streams and promises; the streams
 * alone load ~20 internal modules, and a CLI run spent ~12 ms of its ~35 ms above a bare `node`
 * there (bench/README.md, round 11). Go `age` and age-encryption (a test dependency) hold this
 * module to the format byte for byte (test/unit/age-file.test.ts, age-interop.test.ts).
 *
 * It is the part of age that kagi and the Rust CLI use: X25519 recipients only (stanzas of other
 * types are skipped, as age skips them), and a payload of one STREAM chunk (64 KiB); a file
 * holding more is refused, not partly opened, and never written.
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
/** ChaCha20-Poly1305's nonce for a file key: age seals each with a key used once. */
const ZERO_NONCE = new Uint8Array(12);
/** STREAM's nonce for the first chunk when it is also the last: counter 0, last-chunk flag set. */
const LAST_CHUNK_NONCE = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

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
  const mac = headerMac(fileKey, header.covered);
  if (header.mac.length !== mac.length || !timingSafeEqual(header.mac, mac))
    throw new AgeFormatError('invalid header MAC');
  return openPayload(header.payload, fileKey);
}

/**
 * `plaintext` as an age file for one X25519 recipient (`age1…`): what `age -r` writes, for a
 * payload of up to one chunk.
 */
export function sealAgeFile(plaintext: Uint8Array, recipient: string): Uint8Array {
  if (plaintext.length > CHUNK_BYTES) throw new AgeFormatError('more than one chunk: larger than any key kagi wraps');
  const fileKey = randomBytes(FILE_KEY_BYTES);
  const coveredText = `${AGE_VERSION_LINE}\n${x25519Stanza(fileKey, parseAgeRecipient(recipient))}---`;
  const mac = headerMac(fileKey, Buffer.from(coveredText, 'latin1'));
  const header = Buffer.from(`${coveredText} ${base64nopad.encode(mac)}\n`, 'latin1');
  const nonce = randomBytes(STREAM_NONCE_BYTES);
  const chunk = sealChaCha20Poly1305(hkdf(fileKey, nonce, 'payload'), LAST_CHUNK_NONCE, plaintext);
  return new Uint8Array(Buffer.concat([header, nonce, chunk]));
}

/** `-> X25519 <share>` and its body: the file key sealed under a key from a fresh ephemeral share. */
function x25519Stanza(fileKey: Uint8Array, recipient: Uint8Array): string {
  const ephemeral = randomBytes(X25519_BYTES);
  const share = x25519Base(ephemeral);
  const body = sealChaCha20Poly1305(wrapKey(x25519(ephemeral, recipient), share, recipient), ZERO_NONCE, fileKey);
  // A 32-byte body is 43 base64 characters: one line, shorter than a full one, ends the stanza.
  return `-> X25519 ${base64nopad.encode(share)}\n${base64nopad.encode(body)}\n`;
}

/** The key that seals a file key in an X25519 stanza: HKDF over the shared secret, salted with both public keys. */
function wrapKey(secret: Uint8Array, share: Uint8Array, recipient: Uint8Array): Uint8Array {
  const salt = new Uint8Array(2 * X25519_BYTES);
  salt.set(share);
  salt.set(recipient, X25519_BYTES);
  return hkdf(secret, salt, X25519_LABEL);
}

function headerMac(fileKey: Uint8Array, covered: Uint8Array): Uint8Array {
  return createHmac('sha256', hkdf(fileKey, new Uint8Array(0), 'header'))
    .update(covered)
    .digest();
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
    try {
      return openChaCha20Poly1305(wrapKey(secret, share, identity.publicKey), ZERO_NONCE, body);
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
  try {
    return openChaCha20Poly1305(streamKey, LAST_CHUNK_NONCE, sealed);
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
