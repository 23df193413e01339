import * as assert from 'node:assert/strict';
import { parseCompareMessage } from '../../src/protocol/compare';

describe('protocol: environment matrix messages (webview → host)', () => {
  it('accepts exactly the known shapes', () => {
    assert.deepEqual(parseCompareMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseCompareMessage({ type: 'copyFrom', key: 'K', from: 'staging', to: 'production' }), {
      type: 'copyFrom',
      key: 'K',
      from: 'staging',
      to: 'production',
    });
  });

  it('refuses unknown types, missing or extra fields, non-strings and oversized names', () => {
    for (const bad of [
      null,
      [],
      'ready',
      { type: 'reveal', key: 'K', env: 'production' },
      { type: 'setValue', key: 'K' },
      { type: 'setValue', key: 'K', env: 'production', value: 'x' },
      { type: 'generate', key: 7, env: 'production' },
      { type: 'selectService', service: '' },
      { type: 'selectService', service: 'x'.repeat(257) },
    ]) {
      assert.equal(parseCompareMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
