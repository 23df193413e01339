import { randomBytes } from 'node:crypto';
import { aead as defaultAead, type Aead } from './aead';
import { KagiError } from './errors';
import { encodeBase64, utf8 } from './encoding';
import { ALGORITHM, NONCE_BYTES, TAG_BYTES, type Envelope } from './format/envelope';

export const KEY_BYTES = 32;

/** The scope is bound into every store: a file moved to another scope fails to open. */
export function scopeAad(scope: string): string {
  return `kagi:v1:${ALGORITHM}:${scope}`;
}

export function artifactAad(kind: string, projectId: string, logicalId: string): string {
  return `kagi:v1:${ALGORITHM}:${kind}:${projectId}:${logicalId}`;
}

export function seal(key: Uint8Array, aadText: string, plaintext: Uint8Array, nonce: Uint8Array = randomNonce(), impl: Aead = defaultAead): Envelope & { aad: string } {
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
export function open(key: Uint8Array, aadText: string, env: Envelope, file: string, impl: Aead = defaultAead): Uint8Array {
  const blob = new Uint8Array(env.nonce.length + env.ciphertext.length + env.tag.length);
  blob.set(env.nonce, 0);
  blob.set(env.ciphertext, env.nonce.length);
  blob.set(env.tag, env.nonce.length + env.ciphertext.length);
  try {
    return impl.open(key, blob.subarray(0, NONCE_BYTES), utf8(aadText), blob.subarray(NONCE_BYTES));
  } catch {
    throw new KagiError('auth-failed',
      `${file} failed authentication: it was modified, moved from another scope, or encrypted with another project key`,
      'restore it from Git; if the key was rotated, pull the latest access.json');
  }
}

function randomNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_BYTES));
}

export function newProjectKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}
