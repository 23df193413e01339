import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { newSigningKey } from '../../src/vault/crypto/ids';

const IDS = path.resolve(__dirname, '../../src/vault/crypto/ids.ts');

describe('signing keys (crypto/ids.ts)', () => {
  it('are 32-byte Ed25519 seeds and public keys, fresh each time', () => {
    const a = newSigningKey();
    const b = newSigningKey();
    for (const k of [a.seedBase64, a.publicKeyBase64]) assert.equal(Buffer.from(k, 'base64').length, 32);
    assert.notEqual(a.seedBase64, b.seedBase64);
  });

  // Node 20 hangs for good when a GC frees a key-generation job while the JWK export of its key
  // holds the key's lock: 20,000 JWK exports in a loop never finished in 30 s here, so
  // `kagi init` hung in about 1 run of 50 under the test suite.
  it('never hangs: 20,000 in a row in a child process finish', function () {
    this.timeout(120_000);
    // Other allocations between the keys make collections happen in the middle of an export.
    const script = `const { newSigningKey } = require(${JSON.stringify(IDS)});
const other = [];
for (let i = 0; i < 20000; i++) {
  newSigningKey();
  other.push('x'.repeat(100));
  if (other.length > 1000) other.length = 0;
}
process.stdout.write('done');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 90_000 });
    assert.equal(r.error, undefined, `the child hung: ${r.error?.message}`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'done');
  });
});
