import * as assert from 'node:assert/strict';
import { KeyNameCache, listVault, NAME_SEPARATOR, ScopeKeys } from '../../src/vault/usecases/listing';
import { INVALID_SECRET_NAME } from '../../src/vault/format/store';
import { setSecrets } from '../../src/vault/usecases/secrets';
import { isKagiError } from '../../src/vault/errors';
import { twoScopeVault } from './helpers';

const VALUE = 'scope-keys-canary-91d2';

describe('ScopeKeys: the compact key names of a scope', () => {
  it('gives back every name, sorted, and each description where there is one', () => {
    const keys = ScopeKeys.from([
      { key: 'B_KEY', description: 'second' },
      { key: 'A_KEY' },
      { key: 'C_KEY', description: '' },
    ]);
    assert.equal(keys.size, 3);
    assert.deepEqual(keys.names(), ['A_KEY', 'B_KEY', 'C_KEY']);
    assert.deepEqual(keys.infos(), [
      { key: 'A_KEY' },
      { key: 'B_KEY', description: 'second' },
      { key: 'C_KEY', description: '' },
    ]);
    assert.deepEqual([...keys], keys.infos());
    assert.equal(keys.description('B_KEY'), 'second');
    assert.equal(keys.description('A_KEY'), undefined);
  });

  it('round-trips names with unusual characters, and a description may hold anything', () => {
    const odd = ['ü_KEY', 'WITH SPACE', 'a-b.c', '🔑', 'TAB\tIN', 'x', 'xx', '__proto__', 'constructor', '"quoted"'];
    const keys = ScopeKeys.from(odd.map((key) => ({ key, description: `line 1${NAME_SEPARATOR}line 2 = ${key}` })));
    assert.deepEqual(
      keys.names(),
      [...odd].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    for (const key of odd) {
      assert.ok(keys.has(key), key);
      assert.equal(keys.description(key), `line 1${NAME_SEPARATOR}line 2 = ${key}`);
    }
  });

  it('has() matches whole names only, never a part of one or of two joined', () => {
    const keys = ScopeKeys.from([{ key: 'API' }, { key: 'API_TOKEN' }, { key: 'TOKEN' }]);
    for (const yes of ['API', 'API_TOKEN', 'TOKEN']) assert.ok(keys.has(yes), yes);
    for (const no of ['AP', 'PI', 'API_', '_TOKEN', 'OKEN', `API${NAME_SEPARATOR}API_TOKEN`, NAME_SEPARATOR, '']) {
      assert.ok(!keys.has(no), JSON.stringify(no));
    }
  });

  it('an empty scope has no names', () => {
    const keys = ScopeKeys.from([]);
    assert.equal(keys.size, 0);
    assert.deepEqual(keys.names(), []);
    assert.deepEqual(keys.infos(), []);
    assert.ok(!keys.has(''));
    assert.ok(!keys.has('A'));
  });

  it('the separator is a character no secret name may hold, and a name holding it is refused', () => {
    assert.ok(INVALID_SECRET_NAME.test(`A${NAME_SEPARATOR}B`));
    for (const key of [`A${NAME_SEPARATOR}B`, '', 'A=B']) {
      assert.throws(
        () => ScopeKeys.from([{ key }]),
        (e) => isKagiError(e) && e.code === 'bad-name',
      );
    }
  });

  it('scopes with the same keys share one ScopeKeys; different descriptions keep their own', () => {
    const pool = new Map<string, ScopeKeys>();
    const a = ScopeKeys.shared(ScopeKeys.from([{ key: 'X' }, { key: 'Y' }]), pool);
    const b = ScopeKeys.shared(ScopeKeys.from([{ key: 'Y' }, { key: 'X' }]), pool);
    const c = ScopeKeys.shared(ScopeKeys.from([{ key: 'X', description: 'd' }, { key: 'Y' }]), pool);
    assert.equal(b, a);
    assert.notEqual(c, a);
    assert.equal(c.description('X'), 'd');
    assert.equal(a.description('X'), undefined);
  });
});

describe('listing: ScopeKeys from real stores', () => {
  it('lists names and descriptions as stored, an empty scope as empty, and no value', async () => {
    const { project } = await twoScopeVault(VALUE);
    const cache = new KeyNameCache();
    const before = await listVault(project, { decrypt: true, cache });
    assert.equal(before.keys!.get('api/development')!.size, 0);
    assert.deepEqual(before.keys!.get('api/development')!.names(), []);
    await setSecrets(project, 'api/development', [
      { key: 'Z_LAST', value: VALUE, description: 'the last one' },
      { key: 'A_FIRST', value: VALUE },
    ]);
    const listing = await listVault(project, { decrypt: true, cache });
    assert.deepEqual(listing.keys!.get('api/development')!.infos(), [
      { key: 'A_FIRST' },
      { key: 'Z_LAST', description: 'the last one' },
    ]);
    assert.equal(listing.keys!.get('api/production')!.description('DB_URL'), 'primary database');
    assert.deepEqual(listing.keys!.get('development')!.names(), ['ROOT_KEY']);
    const shown = [...listing.keys!.values()].flatMap((k) => k.infos().flatMap((i) => [i.key, i.description ?? '']));
    assert.ok(!shown.some((t) => t.includes(VALUE)));
    // An unchanged store: the cache hands the next listing the same compact object.
    assert.equal(listing.keys!.get('api/production'), before.keys!.get('api/production'));
  });
});
