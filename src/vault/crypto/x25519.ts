import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { x25519 as pureJs } from './x25519Curve';

/**
 * X25519 through Node's own crypto (OpenSSL, or BoringSSL in Electron), synchronously, for the
 * vault's age files (ageFile.ts, ageKeys.ts). WebCrypto's X25519 loads Node's whole WebCrypto
 * layer on its first call: 15–30 ms of a CLI run. Where the runtime's crypto lacks X25519 keys,
 * @noble/curves' pure-JS ladder does the work (x25519Curve.ts); the node bundles load it on
 * first use only (scripts/bundle/plugins.mjs).
 */

export const X25519_BYTES = 32;

/** u = 9: the public key of a scalar is X25519(scalar, BASE_POINT) (RFC 7748). */
const BASE_POINT = new Uint8Array(X25519_BYTES);
BASE_POINT[0] = 9;

const b64url = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/**
 * Keys go in as JWK, not DER: OpenSSL 3 parses DER through its decoder framework, ~1–2 ms per
 * key here, while a JWK key is made from the raw bytes (~0.1 ms). A private JWK must carry a
 * public half `x`, which Node reads only as text and never uses (the key is made from `d`
 * alone); we give an empty one, and take every answer from `diffieHellman`, which uses the
 * scalar only, so no derived value can come from `x`. Where a runtime refuses such a key, or
 * lacks X25519, @noble/curves does the work.
 */
function x25519Native(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(scalar), x: '' }, format: 'jwk' });
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(point) }, format: 'jwk' });
  return new Uint8Array(diffieHellman({ privateKey, publicKey }));
}

/**
 * Whether node:crypto does X25519 here, asked by one operation on fixed keys. Only asked when a
 * native operation fails: the first one on a runtime that has it (every Node we know) costs no
 * extra operation, and a failure caused by the input itself (OpenSSL refuses a low-order point)
 * does not move the process to the slow curve.
 */
let nativeX25519: boolean | undefined;
function nativeWorks(): boolean {
  if (nativeX25519 === undefined) {
    try {
      nativeX25519 = x25519Native(new Uint8Array(32).fill(1), BASE_POINT).length === X25519_BYTES;
    } catch {
      nativeX25519 = false;
    }
  }
  return nativeX25519;
}

/** node:crypto's answer, or the curve's where this runtime has no X25519 keys. */
function scalarMult(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  if (nativeX25519 !== false) {
    try {
      return x25519Native(scalar, point);
    } catch (e) {
      if (nativeWorks()) throw e;
    }
  }
  return point === BASE_POINT ? pureJs.scalarMultBase(scalar) : pureJs.scalarMult(scalar, point);
}

/** Which implementation answers here: a test holds Node to its own, so a refused key cannot slow every command unseen. */
export const x25519Backend = (): 'node:crypto' | '@noble/curves' => (nativeWorks() ? 'node:crypto' : '@noble/curves');

function checkLength(bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== X25519_BYTES)
    throw new Error(`X25519 ${what} must be 32 bytes`);
}

/** The shared secret of a private scalar and a public point; throws on an all-zero secret (a low-order point). */
export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  checkLength(scalar, 'private key');
  checkLength(point, 'public key');
  const secret = scalarMult(scalar, point);
  // OpenSSL and the curve already refuse it; the check is ours so every runtime refuses the same points.
  if (secret.every((b) => b === 0)) throw new Error('X25519 shared secret is zero: a low-order public key');
  return secret;
}

/** The public key of a private scalar. */
export function x25519Base(scalar: Uint8Array): Uint8Array {
  checkLength(scalar, 'private key');
  return scalarMult(scalar, BASE_POINT);
}
