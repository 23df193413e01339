import { montgomery } from '@noble/curves/abstract/montgomery.js';
import { pow } from '@noble/curves/abstract/modular.js';

/**
 * @noble/curves' Montgomery ladder for X25519 (RFC 7748), the fallback of x25519.ts where the
 * runtime's crypto lacks X25519 keys. `@noble/curves/ed25519.js` exports the same curve, but its
 * fixed-base shortcut goes through the Edwards curve, which brought the whole of ed25519 (points,
 * EdDSA, hash-to-curve, ristretto) into the vault: 23 KB of the bundle for a fallback. Here the
 * public key is the ladder with the base point u = 9, as RFC 7748 defines it. The constants are
 * the RFC's; test/unit/age-file.test.ts holds the result to ed25519.js's x25519, node:crypto's
 * and the RFC's test vectors.
 */

/** 2^255 - 19 */
const P = 2n ** 255n - 19n;

/** RFC 7748 § 5: the scalar's three low bits cleared, bit 255 cleared, bit 254 set. */
function clamp(bytes: Uint8Array): Uint8Array {
  bytes[0]! &= 248;
  bytes[31]! &= 127;
  bytes[31]! |= 64;
  return bytes;
}

export const x25519 = montgomery({
  P,
  type: 'x25519',
  adjustScalarBytes: clamp,
  // The inverse by Fermat (x^(p-2)); ed25519.js's addition chain is faster, and a fallback needs no speed.
  powPminus2: (x: bigint) => pow(x, P - 2n, P),
});
