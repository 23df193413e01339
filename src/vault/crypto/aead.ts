import { chacha20poly1305, hchacha, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** XChaCha20-Poly1305 (IETF draft, as libsodium's `_ietf_`): seal returns ciphertext ‖ tag. */
export interface Aead {
  readonly name: string;
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** throws on authentication failure */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array;
  /** the same with ciphertext and tag apart, as stores keep them: no copy to join them */
  openDetached(
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
  ): Uint8Array;
}

const TAG = 16;

/** Pure JS; runs everywhere, including Electron builds whose BoringSSL lacks the cipher. */
export const nobleAead: Aead = {
  name: 'noble',
  seal: (key, nonce, aad, pt) => xchacha20poly1305(key, nonce, aad).encrypt(pt),
  open: (key, nonce, aad, sealed) => xchacha20poly1305(key, nonce, aad).decrypt(sealed),
  openDetached(key, nonce, aad, ciphertext, tag) {
    const sealed = new Uint8Array(ciphertext.length + tag.length);
    sealed.set(ciphertext);
    sealed.set(tag, ciphertext.length);
    return nobleAead.open(key, nonce, aad, sealed);
  },
};

const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

/**
 * XChaCha20 = ChaCha20 under an HChaCha20 subkey, with the last 8 nonce bytes.
 * Only that one block runs in JS; the bulk runs in OpenSSL, ~25× faster.
 */
function subkeyAndNonce(key: Uint8Array, nonce: Uint8Array): { subkey: Uint8Array; iv: Uint8Array } {
  // A copy into a buffer of its own: a Node Buffer's `slice` is a view into a shared pool, whose
  // `.buffer` starts elsewhere (a nonce read from a file would give the wrong words).
  const words = (b: Uint8Array, n: number) => new Uint32Array(Uint8Array.prototype.slice.call(b, 0, n * 4).buffer);
  const out = new Uint32Array(8);
  hchacha(SIGMA, words(key, 8), words(nonce, 4), out);
  const iv = new Uint8Array(12);
  iv.set(nonce.subarray(16, 24), 4);
  return { subkey: new Uint8Array(out.buffer), iv };
}

/** OpenSSL's ChaCha20-Poly1305 (RFC 8439, a 12-byte nonce): ciphertext ‖ tag. */
function opensslSeal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', key, iv, { authTagLength: TAG });
  c.setAAD(aad, { plaintextLength: pt.length });
  return new Uint8Array(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
}

function opensslOpen(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array) {
  const d = createDecipheriv('chacha20-poly1305', key, iv, { authTagLength: TAG });
  d.setAAD(aad, { plaintextLength: ciphertext.length });
  d.setAuthTag(tag);
  const plaintext = d.update(ciphertext);
  d.final(); // throws when the tag does not authenticate; a stream cipher has nothing left to emit
  return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.length);
}

/** ciphertext ‖ tag, apart. */
function splitTag(sealed: Uint8Array): [Uint8Array, Uint8Array] {
  if (sealed.length < TAG) throw new Error('ciphertext shorter than its tag');
  return [sealed.subarray(0, sealed.length - TAG), sealed.subarray(sealed.length - TAG)];
}

export const nativeAead: Aead = {
  name: 'openssl',
  seal(key, nonce, aad, pt) {
    const { subkey, iv } = subkeyAndNonce(key, nonce);
    return opensslSeal(subkey, iv, aad, pt);
  },
  open: (key, nonce, aad, sealed) => nativeAead.openDetached(key, nonce, aad, ...splitTag(sealed)),
  openDetached(key, nonce, aad, ciphertext, tag) {
    const { subkey, iv } = subkeyAndNonce(key, nonce);
    return opensslOpen(subkey, iv, aad, ciphertext, tag);
  },
};

/**
 * Whether this runtime's OpenSSL has ChaCha20-Poly1305 (some Electron/BoringSSL builds lack it),
 * asked by making one cipher: the first store opened pays that set-up anyway, while
 * `getCiphers()` lists every cipher for ~0.5 ms of every start.
 */
function hasOpenSslChaCha(): boolean {
  try {
    createCipheriv('chacha20-poly1305', new Uint8Array(32), new Uint8Array(12), { authTagLength: TAG });
    return true;
  } catch {
    return false;
  }
}

const opensslChaCha = hasOpenSslChaCha();

export const aead: Aead = opensslChaCha ? nativeAead : nobleAead;

const NO_AAD = new Uint8Array(0);

/** ChaCha20-Poly1305 (RFC 8439, a 12-byte nonce, no AAD), as age seals file keys and payloads: ciphertext ‖ tag. */
export function sealChaCha20Poly1305(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return opensslChaCha ? opensslSeal(key, nonce, NO_AAD, plaintext) : chacha20poly1305(key, nonce).encrypt(plaintext);
}

/** The opposite of sealChaCha20Poly1305; throws on a bad tag. */
export function openChaCha20Poly1305(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array {
  return opensslChaCha
    ? opensslOpen(key, nonce, NO_AAD, ...splitTag(sealed))
    : chacha20poly1305(key, nonce).decrypt(sealed);
}
