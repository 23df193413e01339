// Bundled in place of @noble/post-quantum/hybrid.js and @noble/curves/nist.js.
// age-encryption imports them for hybrid post-quantum and P-256 tag recipients, which
// kagi never uses: the Rust CLI reads only X25519 keys, and the vault refuses any other
// recipient before age sees it. Stubbing them keeps ~95 KB out of every bundle.
const unsupported = (name) =>
  new Proxy(
    {},
    {
      get() {
        throw new Error(`${name} age recipients are not supported: kagi uses X25519 keys only`);
      },
    },
  );

export const MLKEM768X25519 = unsupported('post-quantum (ML-KEM-768 + X25519)');
export const MLKEM768P256 = unsupported('post-quantum (ML-KEM-768 + P-256)');
export const p256 = unsupported('P-256 tag');
