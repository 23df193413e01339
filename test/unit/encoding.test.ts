import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBase64Strict } from '../../src/vault/format/encoding';

/** The definition Rust's STANDARD engine applies, as a slow regex. */
const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const canonical = (t: string) => STANDARD.test(t) && Buffer.from(t, 'base64').toString('base64') === t;

describe('strict base64', () => {
  it('accepts exactly what the standard alphabet with canonical padding accepts', () => {
    const alphabet = 'ABCxyz019+/=-_ \n*.é\0'.split('');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }).map((a) => a.join('')),
        (t) => {
          assert.equal(decodeBase64Strict(t) !== undefined, canonical(t), JSON.stringify(t));
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('round-trips random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        assert.deepEqual(decodeBase64Strict(Buffer.from(bytes).toString('base64')), bytes);
      }),
    );
  });

  it('rejects url-safe, unpadded, wrapped and non-canonical text (docs/format.md §3.2)', () => {
    for (const bad of ['-_8=', 'QUJD RA==', 'QUJDRA', 'QUJD\nRA==', 'QR==', 'QUI=x===']) {
      assert.equal(decodeBase64Strict(bad), undefined, bad);
    }
    assert.deepEqual(Buffer.from(decodeBase64Strict('QUJDRA==')!), Buffer.from('ABCD'));
  });
});
