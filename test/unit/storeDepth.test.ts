// How deep a store may nest, per use (docs/security.md, "Limits"): what keeps the parsed value
// (set, get --show, doctor) refuses a store nested deeper than 128 levels, as the Rust CLI does;
// what takes names or values and drops the rest (the listing, a process's environment) reads it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { scopeAad, seal } from '../../src/vault/crypto/seal';
import { serializeEnvelope } from '../../src/vault/format/envelope';
import { diagnose, listVault, readScopeEnv, readScopes, setSecrets } from '../../src/vault';
import { isKagiError } from '../../src/vault/errors';
import { sha256Tree, twoScopeVault } from './helpers';

const VALUE = 'store-depth-canary-5c1e';
const SCOPE = 'api/production';

/** A store nested `depth` objects deep in all: the store, `secrets`, the secret, then an unknown field. */
function deepStore(depth: number): string {
  const chain = depth - 3;
  const deep = `${'{"a":'.repeat(chain)}"leaf"${'}'.repeat(chain)}`;
  return `{"name":"${SCOPE}","secrets":{"DB_URL":{"key":"DB_URL","value":"${VALUE}","x_future":${deep}}}}`;
}

async function vaultWithDeepStore(depth: number) {
  const v = await twoScopeVault(VALUE);
  const cfg = v.project.config();
  const { key } = await v.project.key(cfg);
  const file = v.project.file(cfg.services[SCOPE]!.file);
  fs.writeFileSync(file, serializeEnvelope(seal(key, scopeAad(SCOPE), Buffer.from(deepStore(depth)))));
  return v;
}

const tooDeep = (e: unknown) =>
  isKagiError(e) &&
  e.code === 'bad-store' &&
  /nests values more than 128 levels deep/.test(e.message) &&
  !e.message.includes(VALUE);

describe('store nesting depth: limited where the value is kept, any where it is dropped', () => {
  for (const depth of [129, 20_000]) {
    it(`a store nested ${depth} deep is listed and injected, refused by set, readScopes (get --show) and doctor`, async () => {
      const v = await vaultWithDeepStore(depth);
      const before = sha256Tree(v.root);

      assert.deepEqual(await readScopeEnv(v.project, SCOPE), { DB_URL: VALUE });
      const listing = await listVault(v.project, { decrypt: true });
      assert.equal(listing.scopeErrors.size, 0);
      assert.deepEqual(listing.keys?.get(SCOPE)?.names(), ['DB_URL']);

      await assert.rejects(readScopes(v.project, [SCOPE]), tooDeep);
      await assert.rejects(setSecrets(v.project, SCOPE, [{ key: 'NEW', value: 'x' }]), tooDeep);
      const stores = (await diagnose(v.project)).find((c) => c.name === 'stores');
      assert.equal(stores?.level, 'error');
      assert.match(stores?.detail ?? '', /more than 128 levels deep/);

      assert.deepEqual(sha256Tree(v.root), before, 'a refused write changed a file');
    });
  }

  it('a store nested 128 deep (the limit) is read and written by every use', async () => {
    const v = await vaultWithDeepStore(128);
    await setSecrets(v.project, SCOPE, [{ key: 'NEW', value: 'x' }]);
    const store = (await readScopes(v.project, [SCOPE])).get(SCOPE)!;
    assert.equal(store.secrets.get('DB_URL')?.value, VALUE);
    assert.ok(JSON.stringify(store.secrets.get('DB_URL')?.extra).startsWith('{"x_future":{"a":{"a":'));
  });
});
