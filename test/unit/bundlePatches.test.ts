// The build's stand-ins for parts of age-encryption's dependencies (scripts/bundle/) must
// answer exactly what the real modules answer.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const module = (rel: string) => pathToFileURL(path.resolve(rel)).href;

describe('bundle stand-ins', () => {
  it("lazy-x25519's base point is @noble/curves' GuBytes, and a fresh copy each time", async () => {
    const lazy = (await import(module('scripts/bundle/lazy-x25519.mjs'))) as { x25519: { GuBytes: Uint8Array } };
    const real = (await import('@noble/curves/ed25519.js')) as { x25519: { GuBytes: Uint8Array } };
    assert.deepEqual(lazy.x25519.GuBytes, real.x25519.GuBytes);
    lazy.x25519.GuBytes[0] = 0;
    assert.equal(lazy.x25519.GuBytes[0], 9, 'a caller writing into it cannot change the next answer');
  });
});
