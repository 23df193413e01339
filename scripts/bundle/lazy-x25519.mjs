// @noble/curves' x25519, loaded on first use: importing it builds curve tables (~10 ms per CLI
// run), and the vault's X25519 (src/vault/crypto/x25519.ts) needs it only where the runtime's
// crypto lacks X25519 keys.
// `require` makes esbuild initialise the real module on first call instead of at start-up.
let real;
const curve = () => (real ??= require('./x25519-curve.mjs')).x25519;

export const x25519 = {
  scalarMult: (scalar, u) => curve().scalarMult(scalar, u),
  scalarMultBase: (scalar) => curve().scalarMultBase(scalar),
};
