import * as assert from 'node:assert/strict';
import { generateSecret, entropyBits } from '../../src/vault/crypto/generate';

describe('generateSecret', () => {
  it('produces exactly the requested length in each alphabet', () => {
    for (const len of [8, 9, 31, 64, 101]) {
      assert.match(generateSecret('hex', len), new RegExp(`^[0-9a-f]{${len}}$`));
      assert.match(generateSecret('base64url', len), new RegExp(`^[A-Za-z0-9_-]{${len}}$`));
      assert.match(generateSecret('alphanumeric', len), new RegExp(`^[A-Za-z0-9]{${len}}$`));
    }
  });

  it('never repeats and uses the whole alphanumeric alphabet', () => {
    const s = generateSecret('alphanumeric', 4096);
    assert.equal(new Set(s).size, 62);
    assert.notEqual(generateSecret('hex', 32), generateSecret('hex', 32));
  });

  it('refuses silly lengths', () => {
    assert.throws(() => generateSecret('hex', 4), /length/);
    assert.throws(() => generateSecret('hex', 8.5), /length/);
    assert.equal(entropyBits('hex', 64), 256);
  });
});
