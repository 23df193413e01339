// The build's stand-ins for parts of age-encryption (scripts/bundle/) must answer exactly
// what the modules they replace answer.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { x25519 as noble } from '@noble/curves/ed25519.js';

const module = (rel: string) => pathToFileURL(path.resolve(rel)).href;

interface X25519Module {
  scalarMult(scalar: Uint8Array, u: Uint8Array): Promise<Uint8Array>;
  scalarMultBase(scalar: Uint8Array): Promise<Uint8Array>;
}

describe('bundle stand-ins', () => {
  const load = async () => (await import(module('scripts/bundle/node-x25519.mjs'))) as X25519Module;

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
});
