// The vault's fallback curve (src/vault/crypto/x25519Curve.ts), loaded on first use: its module
// and @noble/curves' cost ~2–3 ms to load, and the vault's X25519 (src/vault/crypto/x25519.ts)
// needs it only where the runtime's crypto lacks X25519 keys.
// `require` makes esbuild initialise the real module on first call instead of at start-up.
let real;
const curve = () => (real ??= require('../../src/vault/crypto/x25519Curve.ts')).x25519;

export const x25519 = {
  scalarMult: (scalar, u) => curve().scalarMult(scalar, u),
  scalarMultBase: (scalar) => curve().scalarMultBase(scalar),
};
