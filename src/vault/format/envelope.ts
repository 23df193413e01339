import { KagiError } from '../errors';
import { decodeBase64Strict, encodeBase64, isPlainObject, parseJsonFile } from './encoding';

/** The JSON container of every `.enc` file. */
export interface Envelope {
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
  /** only file artifacts carry a kind */
  kind?: string;
  /** the stored base64 aad; secret stores ignore it, artifacts check it */
  aad?: string;
  version?: number;
}

export const ALGORITHM = 'XCHACHA20-POLY1305';
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;

function bad(file: string, message: string): KagiError {
  return new KagiError('bad-store', `${file}: ${message}`, 'restore the file from Git (git checkout -- <file>)');
}

export function parseEnvelope(text: string, file: string): Envelope {
  const raw = parseJsonFile(text, file, 'bad-store');
  if (!isPlainObject(raw)) throw bad(file, 'not an encrypted store (expected a JSON object)');
  if (
    raw.version !== undefined &&
    !(typeof raw.version === 'number' && Number.isInteger(raw.version) && raw.version >= 0 && raw.version <= 255)
  ) {
    throw bad(file, 'version must be a number from 0 to 255');
  }
  if (raw.algorithm === undefined) throw bad(file, 'missing encrypted store algorithm');
  if (raw.algorithm !== ALGORITHM) throw bad(file, `unsupported algorithm ${JSON.stringify(raw.algorithm)}`);
  const field = (name: string): Uint8Array => {
    const v = raw[name];
    if (typeof v !== 'string') throw bad(file, `missing ${name}`);
    const bytes = decodeBase64Strict(v);
    if (!bytes) throw bad(file, `${name} is not standard padded base64`);
    return bytes;
  };
  const env: Envelope = { nonce: field('nonce'), ciphertext: field('ciphertext'), tag: field('tag') };
  if (env.nonce.length + env.ciphertext.length + env.tag.length < NONCE_BYTES + TAG_BYTES) {
    throw bad(file, 'too short to be an encrypted store');
  }
  if (typeof raw.kind === 'string') env.kind = raw.kind;
  if (typeof raw.aad === 'string') env.aad = raw.aad;
  if (typeof raw.version === 'number') env.version = raw.version;
  return env;
}

/** Field order as Rust writes it; `kind` sits after `algorithm` for artifacts. */
export function serializeEnvelope(env: Envelope & { aad: string }): string {
  const out: Record<string, unknown> = { version: 1, algorithm: ALGORITHM };
  if (env.kind !== undefined) out.kind = env.kind;
  Object.assign(out, {
    nonce: encodeBase64(env.nonce),
    ciphertext: encodeBase64(env.ciphertext),
    aad: env.aad,
    tag: encodeBase64(env.tag),
  });
  return JSON.stringify(out, null, 2);
}
