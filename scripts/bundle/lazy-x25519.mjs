// age-encryption falls back to @noble/curves' x25519 only where WebCrypto lacks X25519,
// but importing it builds curve tables at load (~10 ms per CLI run). This stands in for
// `@noble/curves/ed25519.js` in age's x25519.js; `require` makes esbuild initialise the
// real module on first use instead of at start-up.
let real;
const curve = () => (real ??= require('./x25519-curve.mjs')).x25519;

/**
 * The base point u = 9, little-endian, as @noble/curves defines it. age's WebCrypto path of
 * scalarMultBase (every identity's public key) reads only this constant: answering it here
 * keeps the curve from loading at all where WebCrypto has X25519 (Node).
 */
const GU_BYTES = new Uint8Array(32);
GU_BYTES[0] = 9;

export const x25519 = {
  scalarMult: (scalar, u) => curve().scalarMult(scalar, u),
  scalarMultBase: (scalar) => curve().scalarMultBase(scalar),
  get GuBytes() {
    return GU_BYTES.slice();
  },
};
