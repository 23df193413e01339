import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Project } from '../../src/vault/project/project';
import { setSecrets } from '../../src/vault/usecases/secrets';
import { KeyNameCache, listVault } from '../../src/vault/usecases/listing';
import { countReads, twoScopeVault } from './helpers';

const VALUE = 'listing-canary-4b1e';

const names = (l: Awaited<ReturnType<typeof listVault>>) =>
  Object.fromEntries([...l.keys!].map(([scope, keys]) => [scope, keys.names()]));

describe('listing: key names cached by store text', () => {
  it('after a change, decrypts only the stores whose file changed, and lists every scope right', async () => {
    const { project } = await twoScopeVault(VALUE);
    const cache = new KeyNameCache();
    const reads = countReads(project);
    const first = await listVault(project, { decrypt: true, cache });
    assert.deepEqual(reads.sort(), ['api/development', 'api/production', 'development']);

    await setSecrets(project, 'api/production', [{ key: 'API_TOKEN', value: VALUE }]);
    reads.length = 0;
    const second = await listVault(project, { decrypt: true, cache });
    assert.deepEqual(reads, ['api/production']);
    assert.deepEqual(names(second), { ...names(first), 'api/production': ['API_TOKEN', 'DB_URL'] });
    assert.ok(!JSON.stringify(names(second)).includes(VALUE));
  });

  it("a store put back to an older file (git checkout) shows that file's keys", async () => {
    const { project } = await twoScopeVault(VALUE);
    const cache = new KeyNameCache();
    const file = project.file(project.config().services['api/production']!.file);
    const older = fs.readFileSync(file, 'utf8');
    await setSecrets(project, 'api/production', [{ key: 'LATER', value: VALUE }]);
    assert.deepEqual((await listVault(project, { decrypt: true, cache })).keys!.get('api/production')!.names(), [
      'DB_URL',
      'LATER',
    ]);
    fs.writeFileSync(file, older);
    assert.deepEqual((await listVault(project, { decrypt: true, cache })).keys!.get('api/production')!.names(), [
      'DB_URL',
    ]);
  });

  it('never answers for another key: the same files under a wrong KAGI_PROJECT_KEY fail to decrypt', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    const cache = new KeyNameCache();
    await listVault(project, { decrypt: true, cache });
    const wrong = Project.open(root, { env: { ...alice.env, KAGI_PROJECT_KEY: randomBytes(32).toString('hex') } });
    const listing = await listVault(wrong, { decrypt: true, cache });
    assert.deepEqual([...listing.keys!.keys()], []);
    assert.deepEqual([...listing.scopeErrors.keys()].sort(), ['api/development', 'api/production', 'development']);
    assert.equal(listing.scopeErrors.get('development')!.code, 'auth-failed');
  });
});
