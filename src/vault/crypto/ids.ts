import { generateKeyPairSync, randomBytes } from 'node:crypto';

// Rust `nanoid` 0.5's default alphabet: 64 symbols, so `byte & 63` is uniform.
const ALPHABET = '_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function nanoid(size: number): string {
  let out = '';
  for (const b of randomBytes(size)) out += ALPHABET[b & 63];
  return out;
}

export const newProjectId = () => `kgp_${nanoid(12)}`;
export const newMemberId = () => `kgm_${nanoid(12)}`;

/**
 * Ed25519 key pair for server mode (unused in Git mode; created for the Rust CLI's sake).
 *
 * The raw keys are the last 32 bytes of the DER encodings (RFC 8410), not read from a JWK:
 * Node 20's JWK export of an Ed25519 key holds the key's lock while it allocates, and a garbage
 * collection at that moment that frees the key-generation job waits for the same lock: the
 * process hangs for good (seen as `kagi init` or `member request` hanging in ~1 of 50 runs).
 */
export function newSigningKey(): { seedBase64: string; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { format: 'der', type: 'pkcs8' },
    publicKeyEncoding: { format: 'der', type: 'spki' },
  });
  const last32 = (der: Buffer) => der.subarray(der.length - 32).toString('base64');
  return { seedBase64: last32(privateKey), publicKeyBase64: last32(publicKey) };
}

/** A `kagi file` artifact id as the Rust CLI makes it (docs/format.md §4.1). */
export const newArtifactId = () => `kgf_${nanoid(10)}`;
