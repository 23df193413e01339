import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { x25519 as pureJs } from '@noble/curves/ed25519.js';

/**
 * X25519 through Node's own crypto (OpenSSL, or BoringSSL in Electron), synchronously, for the
 * vault's age files (ageFile.ts, ageKeys.ts). WebCrypto's X25519 loads Node's whole WebCrypto
 * layer on its first call: 15–30 ms of a CLI run. Where the runtime's crypto lacks X25519 keys,
 * @noble/curves' pure-JS curve does the work; the node bundles load it on first use only
 * (scripts/bundle/plugins.mjs), since building its tables costs ~10 ms.
 */

export const X25519_BYTES = 32;

// RFC 8410 DER prefixes: a 32-byte X25519 key is these bytes followed by the key itself.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

let nativeX25519: boolean | undefined;
function native(): boolean {
  if (nativeX25519 === undefined) {
    try {
      createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.alloc(32, 1)]), format: 'der', type: 'pkcs8' });
      nativeX25519 = true;
    } catch {
      nativeX25519 = false;
    }
  }
  return nativeX25519;
}

function checkLength(bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== X25519_BYTES)
    throw new Error(`X25519 ${what} must be 32 bytes`);
}

function privateKey(scalar: Uint8Array) {
  checkLength(scalar, 'private key');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
}

/** The shared secret of a private scalar and a public point; throws on an all-zero secret (a low-order point). */
export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  checkLength(point, 'public key');
  let secret: Uint8Array;
  if (native()) {
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, point]), format: 'der', type: 'spki' });
    secret = new Uint8Array(diffieHellman({ privateKey: privateKey(scalar), publicKey }));
  } else {
    checkLength(scalar, 'private key');
    secret = pureJs.scalarMult(scalar, point);
  }
  // OpenSSL already refuses it; the check is ours so every runtime refuses the same points.
  if (secret.every((b) => b === 0)) throw new Error('X25519 shared secret is zero: a low-order public key');
  return secret;
}

/** The public key of a private scalar. */
export function x25519Base(scalar: Uint8Array): Uint8Array {
  if (!native()) {
    checkLength(scalar, 'private key');
    return pureJs.scalarMultBase(scalar);
  }
  const spki = createPublicKey(privateKey(scalar)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
}
