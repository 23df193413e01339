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

/** Ed25519 key pair for server mode (unused in Git mode; created for the Rust CLI's sake). */
export function newSigningKey(): { seedBase64: string; publicKeyBase64: string } {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const b64 = (b64url: string) => Buffer.from(b64url, 'base64url').toString('base64');
  return { seedBase64: b64(jwk.d!), publicKeyBase64: b64(jwk.x!) };
}

/** A `kagi file` artifact id as the Rust CLI makes it (docs/format.md §4.1). */
export const newArtifactId = () => `kgf_${nanoid(10)}`;
