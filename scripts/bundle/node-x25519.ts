// Stands in for age-encryption's dist/x25519.js in the node bundles: the vault's own X25519
// (src/vault/crypto/x25519.ts), through Node's crypto instead of WebCrypto, whose first
// `crypto.subtle` call loads Node's whole WebCrypto layer (~15-30 ms of a CLI run). age awaits
// these: the same answers and the same refusal of a low-order point, as promises.
import { x25519, x25519Base } from '../../src/vault/crypto/x25519';

export const scalarMult = async (scalar: Uint8Array, u: Uint8Array) => x25519(scalar, u);
export const scalarMultBase = async (scalar: Uint8Array) => x25519Base(scalar);
