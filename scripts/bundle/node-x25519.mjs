// Stands in for age-encryption's dist/x25519.js in the node bundles: X25519 through Node's own
// crypto (OpenSSL, or BoringSSL in Electron), synchronously. age's version goes through
// WebCrypto, and the first `crypto.subtle` call loads Node's whole WebCrypto layer: ~15-30 ms
// of every CLI run that unwraps a key (bench `merge_driver_vs_merge_file`, `run_vs_floor`).
// Where the runtime's crypto lacks X25519 keys, the pure-JS curve does the work, as in age.
import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { x25519 as curve } from './lazy-x25519.mjs';

// RFC 8410 DER prefixes: a 32-byte X25519 key is these bytes followed by the key itself.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

let nativeX25519;
function native() {
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

function privateKey(scalar) {
  if (!(scalar instanceof Uint8Array) || scalar.length !== 32) throw new Error('X25519 private key must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
}

/** The shared secret; throws on a low-order point (an all-zero secret), as WebCrypto does. */
export async function scalarMult(scalar, u) {
  if (!native()) return curve.scalarMult(scalar, u);
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, u]), format: 'der', type: 'spki' });
  return new Uint8Array(diffieHellman({ privateKey: privateKey(scalar), publicKey }));
}

/** The public key of a private scalar. */
export async function scalarMultBase(scalar) {
  if (!native()) return curve.scalarMultBase(scalar);
  const spki = createPublicKey(privateKey(scalar)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
}
