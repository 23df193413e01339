import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { aead, nativeAead, nobleAead } from '../../src/vault/crypto/aead';
import { open, scopeAad, seal } from '../../src/vault/crypto/seal';
import { publicRandomBytes } from '../../src/vault/crypto/publicRandom';
import { utf8 } from '../../src/vault/format/encoding';
import { parseEnvelope, serializeEnvelope } from '../../src/vault/format/envelope';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

const V1 = `{
  "version": 1,
  "algorithm": "XCHACHA20-POLY1305",
  "nonce": "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZX",
  "ciphertext": "rxtrEb2FWyytlffXgPgA5PfWwrR+PD3uSB3fNmxnUfViiiBULrDJVazhtQtP+OCKuQAYkU2/ltHzr1u1VPdueHhdmR5h1mfyp2XCkLFZ946RriRWVUA=",
  "aad": "a2FnaTp2MTpYQ0hBQ0hBMjAtUE9MWTEzMDU6YXBpL2RldmVsb3BtZW50",
  "tag": "8hxtp2XPhJi34CXNQjVhmw=="
}`;
const V1_PLAIN = '{"name":"api/development","secrets":{"MESSAGE":{"key":"MESSAGE","value":"from kagi"}}}';

for (const impl of [nativeAead, nobleAead]) {
  describe(`store envelope known-answer vectors (docs/format.md §12.1), ${impl.name}`, () => {
    it('V1 decrypts to the exact plaintext', () => {
      const pt = open(KEY, scopeAad('api/development'), parseEnvelope(V1, 'v1.enc'), 'v1.enc', impl);
      assert.equal(Buffer.from(pt).toString('utf8'), V1_PLAIN);
    });

    it('V1 re-encrypted with its nonce is byte-identical', () => {
      const nonce = Uint8Array.from({ length: 24 }, (_, i) => 0x40 + i);
      assert.equal(serializeEnvelope(seal(KEY, scopeAad('api/development'), utf8(V1_PLAIN), nonce, impl)), V1);
    });

    it('V2 (root scope, zero nonce) matches', () => {
      const env = seal(
        KEY,
        scopeAad('development'),
        utf8('{"name":"development","secrets":{}}'),
        new Uint8Array(24),
        impl,
      );
      const json = JSON.parse(serializeEnvelope(env));
      assert.equal(json.ciphertext, '7iTipoHtxyM06hpPiXpRmlHZw+dYvG94ro7nOKOVOAsd9x0=');
      assert.equal(json.tag, 'fYIqpr6DYFDdsfGHNc8eEA==');
      assert.equal(json.aad, 'a2FnaTp2MTpYQ0hBQ0hBMjAtUE9MWTEzMDU6ZGV2ZWxvcG1lbnQ=');
    });

    it('V1 opened as another scope fails authentication', () => {
      assert.throws(
        () => open(KEY, scopeAad('api/production'), parseEnvelope(V1, 'v1.enc'), 'v1.enc', impl),
        (e: Error & { code?: string }) => e.code === 'auth-failed' && /moved from another scope/.test(e.message),
      );
    });

    it('the stored aad field is ignored', () => {
      const edited = V1.replace('a2FnaTp2MTpYQ0hBQ0hBMjAtUE9MWTEzMDU6YXBpL2RldmVsb3BtZW50', 'AAAA');
      const pt = open(KEY, scopeAad('api/development'), parseEnvelope(edited, 'v1.enc'), 'v1.enc', impl);
      assert.equal(Buffer.from(pt).toString('utf8'), V1_PLAIN);
    });
  });
}

describe('the OpenSSL and noble implementations agree', () => {
  it("Node's OpenSSL has ChaCha20-Poly1305, and the vault's default finds it (the fallback is for BoringSSL builds)", () => {
    assert.equal(aead.name, 'openssl');
  });

  it('on random keys, nonces, AADs and lengths, both ways, and both reject a flipped bit', () => {
    for (let len = 0; len < 300; len += 7) {
      const key = randomBytes(32),
        nonce = randomBytes(24),
        aad = randomBytes(len % 50),
        pt = randomBytes(len);
      const a = nativeAead.seal(key, nonce, aad, pt);
      assert.deepEqual(Buffer.from(a), Buffer.from(nobleAead.seal(key, nonce, aad, pt)));
      assert.deepEqual(Buffer.from(nobleAead.open(key, nonce, aad, a)), pt);
      const detached = (s: Uint8Array) => [s.subarray(0, s.length - 16), s.subarray(s.length - 16)] as const;
      for (const impl of [nativeAead, nobleAead])
        assert.deepEqual(Buffer.from(impl.openDetached(key, nonce, aad, ...detached(a))), pt);
      a[len % a.length]! ^= 1;
      for (const impl of [nativeAead, nobleAead]) {
        assert.throws(() => impl.open(key, nonce, aad, a));
        assert.throws(() => impl.openDetached(key, nonce, aad, ...detached(a)));
      }
    }
  });

  it('read keys and nonces through views into a larger buffer (a file read, a Buffer from the pool) as their bytes', () => {
    const key = randomBytes(32),
      nonce = randomBytes(24),
      aad = randomBytes(9),
      pt = randomBytes(100);
    const expected = Buffer.from(nobleAead.seal(key, nonce, aad, pt));
    // The same bytes at odd offsets of one shared ArrayBuffer.
    const shared = Buffer.alloc(200, 0xa5);
    key.copy(shared, 3);
    nonce.copy(shared, 51);
    const [keyView, nonceView] = [shared.subarray(3, 35), shared.subarray(51, 75)];
    for (const impl of [nativeAead, nobleAead]) {
      assert.deepEqual(Buffer.from(impl.seal(keyView, nonceView, aad, pt)), expected, impl.name);
      assert.deepEqual(Buffer.from(impl.open(keyView, nonceView, aad, expected)), pt, impl.name);
    }
  });
});

describe('public random bytes (nonces, temp names)', () => {
  it('hands each byte out once: no two of 2,000 nonces are equal, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const nonce = publicRandomBytes(24);
      assert.equal(nonce.length, 24);
      seen.add(nonce.toString('hex'));
    }
    assert.equal(seen.size, 2000);
  });

  it('gives the bytes asked for, small or larger than it pools, and never the same twice', () => {
    for (const n of [1, 6, 24, 64, 65, 8192]) {
      const [a, b] = [publicRandomBytes(n), publicRandomBytes(n)];
      assert.deepEqual([a.length, b.length], [n, n]);
      if (n >= 6) assert.notDeepEqual(a, b);
    }
  });

  it('1,000 sealed stores never share a nonce', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++)
      nonces.add(Buffer.from(seal(KEY, scopeAad('api/x'), utf8('v')).nonce).toString('hex'));
    assert.equal(nonces.size, 1000);
  });
});
