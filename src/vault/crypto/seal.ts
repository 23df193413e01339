import { randomBytes } from 'node:crypto';
import { publicRandomBytes } from './publicRandom';
import { aead as defaultAead, type Aead } from './aead';
import { KagiError } from '../errors';
import { encodeBase64, utf8 } from '../format/encoding';
import { ALGORITHM, NONCE_BYTES, TAG_BYTES, serializeEnvelope, type Envelope } from '../format/envelope';
import { serializeStore, type Store } from '../format/store';

export const KEY_BYTES = 32;

/** The scope is bound into every store: a file moved to another scope fails to open. */
export function scopeAad(scope: string): string {
  return `kagi:v1:${ALGORITHM}:${scope}`;
}

export function artifactAad(kind: string, projectId: string, logicalId: string): string {
  return `kagi:v1:${ALGORITHM}:${kind}:${projectId}:${logicalId}`;
}

export function seal(
  key: Uint8Array,
  aadText: string,
  plaintext: Uint8Array,
  nonce: Uint8Array = randomNonce(),
  impl: Aead = defaultAead,
): Envelope & { aad: string } {
  const aad = utf8(aadText);
  const sealed = impl.seal(key, nonce, aad, plaintext);
  return {
    nonce,
    ciphertext: sealed.subarray(0, sealed.length - TAG_BYTES),
    tag: sealed.subarray(sealed.length - TAG_BYTES),
    aad: encodeBase64(aad),
  };
}

/**
 * Opens an envelope under the AAD the caller expects (never the stored one).
 * Like Rust, only `nonce ‖ ciphertext ‖ tag` matters, split 24 bytes from the front.
 */
export function open(
  key: Uint8Array,
  aadText: string,
  env: Envelope,
  file: string,
  impl: Aead = defaultAead,
): Uint8Array {
  try {
    // Rust joins the three fields and splits 24 bytes off; well-formed files need no join.
    if (env.nonce.length === NONCE_BYTES && env.tag.length === TAG_BYTES) {
      return impl.openDetached(key, env.nonce, utf8(aadText), env.ciphertext, env.tag);
    }
    const blob = concat(env.nonce, env.ciphertext, env.tag);
    return impl.open(key, blob.subarray(0, NONCE_BYTES), utf8(aadText), blob.subarray(NONCE_BYTES));
  } catch {
    throw new KagiError(
      'auth-failed',
      `${file} failed authentication: it was modified, moved from another scope, or encrypted with another project key`,
      'restore it from Git; if the key was rotated, pull the latest access.json',
    );
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function randomNonce(): Uint8Array {
  return new Uint8Array(publicRandomBytes(NONCE_BYTES));
}

export function newProjectKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

/** A scope's store as the `.enc` text kagi writes: sealed under the project key, the scope in the AAD. */
export function sealStore(scope: string, store: Store, key: Uint8Array): string {
  return serializeEnvelope(seal(key, scopeAad(scope), utf8(serializeStore(scope, store))));
}
