// The build's stand-ins for parts of age-encryption (scripts/bundle/) must answer exactly
// what the modules they replace answer.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { x25519 as noble } from '@noble/curves/ed25519.js';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import * as nodeX25519 from '../../scripts/bundle/node-x25519';

const module = (rel: string) => pathToFileURL(path.resolve(rel)).href;

describe('bundle stand-ins', () => {
  const load = async () => nodeX25519;

  it("node-x25519 derives the public keys and shared secrets @noble/curves' x25519 derives", async () => {
    const x = await load();
    for (let i = 0; i < 20; i++) {
      const a = randomBytes(32);
      const b = randomBytes(32);
      const pubB = await x.scalarMultBase(b);
      assert.deepEqual(pubB, noble.scalarMultBase(b));
      assert.deepEqual(await x.scalarMult(a, pubB), noble.scalarMult(a, pubB));
    }
  });

  it('node-x25519 refuses a low-order point (all-zero secret) and a short key, as WebCrypto does', async () => {
    const x = await load();
    await assert.rejects(x.scalarMult(randomBytes(32), new Uint8Array(32)));
    await assert.rejects(x.scalarMultBase(new Uint8Array(31)), /32 bytes/);
  });

  it("node-hashes' HKDF and HMAC answer what @noble/hashes answers, absent salt and other hashes too", async () => {
    type Hash = typeof sha256;
    // The sha256 object node-hashes.mjs itself sees (one ES module instance per URL).
    const { sha256: esmSha256 } = (await import(pathToFileURL(require.resolve('@noble/hashes/sha2.js')).href)) as {
      sha256: typeof sha256;
    };
    const h = (await import(module('scripts/bundle/node-hashes.mjs'))) as {
      native(hash: unknown): boolean;
      hkdf(hash: Hash, ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array;
      hmac(hash: Hash, key: Uint8Array, message: Uint8Array): Uint8Array;
    };
    assert.equal(h.native(esmSha256), true, 'the node:crypto path is the one under test');
    for (let i = 0; i < 20; i++) {
      const ikm = randomBytes(i + 1);
      const salt = i % 2 === 0 ? undefined : randomBytes(i);
      const info = randomBytes(i % 5);
      assert.deepEqual(h.hkdf(esmSha256, ikm, salt, info, 32), nobleHkdf(sha256, ikm, salt, info, 32));
      assert.deepEqual(h.hmac(esmSha256, ikm, info), nobleHmac(sha256, ikm, info));
    }
    const key = randomBytes(32);
    assert.equal(h.native(sha512), false);
    assert.deepEqual(h.hmac(sha512 as unknown as Hash, key, key), nobleHmac(sha512, key, key));
  });
});
