import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project } from '../../src/vault/project/project';
import { readSelectionKeys, setSecrets } from '../../src/vault/usecases/secrets';
import { listVault } from '../../src/vault/usecases/listing';
import { KeyNameCache, keyNamesPath } from '../../src/vault/usecases/keyNames';
import type { HostEnv } from '../../src/vault/device/dataDir';
import { countReads, tempDir, twoScopeVault } from './helpers';

const VALUE = 'key-names-canary-9d2f';
const ALL = ['api/development', 'api/production', 'development'];

/** A new handle, as a new CLI process or a new window opens the vault: nothing in memory. */
const reopen = (root: string, host: HostEnv) => Project.open(root, host);

/** A masked listing of the whole vault by a new handle, and the stores it decrypted (sorted). */
async function listAgain(root: string, host: HostEnv) {
  const project = reopen(root, host);
  const reads = countReads(project);
  const listed = await readSelectionKeys(project, { kind: 'all' });
  return { reads: reads.sort(), listed };
}

const namesOf = (m: Map<string, { names(): string[] }>) =>
  Object.fromEntries([...m].map(([scope, keys]) => [scope, keys.names()]));

const deviceFile = (project: Project) => keyNamesPath(project, project.config());

describe("key names remembered on the device (a new process doesn't decrypt what is unchanged)", () => {
  it('a second masked listing in a new process decrypts nothing and lists the same names', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    const first = await readSelectionKeys(project, { kind: 'all' });
    const { reads, listed: second } = await listAgain(root, alice);
    assert.deepEqual(reads, []);
    assert.deepEqual(namesOf(second), namesOf(first));
    assert.deepEqual(namesOf(second), {
      'api/development': [],
      'api/production': ['DB_URL'],
      development: ['ROOT_KEY'],
    });
    assert.equal(second.get('api/production')!.description('DB_URL'), 'primary database');
  });

  it('the extension’s first listing of a window starts from the CLI’s names too', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    await readSelectionKeys(project, { kind: 'all' });
    const window = reopen(root, alice);
    const reads = countReads(window);
    const listing = await listVault(window, { decrypt: true, cache: new KeyNameCache() });
    assert.deepEqual(reads, []);
    assert.deepEqual(listing.keys!.get('development')!.names(), ['ROOT_KEY']);
  });

  it('keeps names and descriptions sealed: neither they nor a value are readable in the file', async () => {
    const { project } = await twoScopeVault(VALUE);
    await readSelectionKeys(project, { kind: 'all' });
    const bytes = fs.readFileSync(deviceFile(project));
    for (const text of [VALUE, 'DB_URL', 'ROOT_KEY', 'primary database', 'api/production']) {
      assert.equal(bytes.includes(Buffer.from(text)), false, `${text} is in the device file`);
    }
    assert.equal(fs.statSync(deviceFile(project)).mode & 0o077, 0);
  });

  it('a store a teammate changed is decrypted again, and only that one', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    await readSelectionKeys(project, { kind: 'all' });
    // Another handle writes, as a `git pull` would bring a new store: this cache never saw it.
    await setSecrets(reopen(root, alice), 'api/production', [{ key: 'NEW_ONE', value: VALUE }]);
    const { reads, listed } = await listAgain(root, alice);
    assert.deepEqual(reads, ['api/production']);
    assert.deepEqual(listed.get('api/production')!.names(), ['DB_URL', 'NEW_ONE']);
  });

  it('a damaged, foreign or truncated device file is a miss: every store is decrypted, then the file is written anew', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    const expected = namesOf(await readSelectionKeys(project, { kind: 'all' }));
    const file = deviceFile(project);
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 20]! ^= 1;
    for (const bad of [flipped, good.subarray(0, 30), Buffer.from('{"v":1,"names":[],"scopes":{}}'), Buffer.alloc(0)]) {
      fs.writeFileSync(file, bad);
      const { reads, listed } = await listAgain(root, alice);
      assert.deepEqual(namesOf(listed), expected);
      assert.deepEqual(reads, ALL);
      assert.notDeepEqual(fs.readFileSync(file), bad);
    }
    assert.deepEqual((await listAgain(root, alice)).reads, [], 'the file written after the miss is read');
  });

  it('a file sealed under another project key (before a rotation) is a miss', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    await readSelectionKeys(project, { kind: 'all' });
    const file = deviceFile(project);
    // The same file name, sealed under another key: as after a rotation, or a copied data folder.
    const other = await twoScopeVault(VALUE);
    await readSelectionKeys(other.project, { kind: 'all' });
    fs.writeFileSync(file, fs.readFileSync(deviceFile(other.project)));
    assert.deepEqual((await listAgain(root, alice)).reads, ALL);
    assert.deepEqual((await listAgain(root, alice)).reads, [], 'sealed under this key again after the miss');
  });

  it('a store that no longer opens is an error even when its old names are remembered', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    await readSelectionKeys(project, { kind: 'all' });
    const store = project.file(project.config().services['api/production']!.file);
    const env = JSON.parse(fs.readFileSync(store, 'utf8'));
    env.tag = Buffer.from(Buffer.from(env.tag, 'base64').map((b: number, i: number) => (i === 0 ? b ^ 1 : b))).toString(
      'base64',
    );
    fs.writeFileSync(store, JSON.stringify(env));
    await assert.rejects(readSelectionKeys(reopen(root, alice), { kind: 'all' }), { code: 'auth-failed' });
    const listing = await listVault(reopen(root, alice), { decrypt: true });
    assert.equal(listing.scopeErrors.get('api/production')!.code, 'auth-failed');
    assert.deepEqual(listing.keys!.get('development')!.names(), ['ROOT_KEY']);
  });

  it('a listing of one service keeps what the device knows of the others', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    await readSelectionKeys(project, { kind: 'all' });
    await setSecrets(reopen(root, alice), 'api/production', [{ key: 'NEW_ONE', value: VALUE }]);
    await readSelectionKeys(reopen(root, alice), { kind: 'service', service: 'api' });
    assert.deepEqual((await listAgain(root, alice)).reads, []);
  });

  it('never reads or writes through a link where the device file should be', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    await readSelectionKeys(project, { kind: 'all' });
    const file = deviceFile(project);
    const elsewhere = path.join(tempDir('kagi-elsewhere-'), 'key-names');
    fs.copyFileSync(file, elsewhere);
    const planted = fs.readFileSync(elsewhere);
    fs.rmSync(file);
    fs.symlinkSync(elsewhere, file);
    await setSecrets(reopen(root, alice), 'development', [{ key: 'SECOND', value: VALUE }]);
    const { reads, listed } = await listAgain(root, alice);
    assert.deepEqual(listed.get('development')!.names(), ['ROOT_KEY', 'SECOND']);
    assert.deepEqual(reads, ALL);
    assert.ok(fs.lstatSync(file).isSymbolicLink());
    assert.deepEqual(fs.readFileSync(elsewhere), planted);
  });
});

describe('key names on the device: written only when they change', () => {
  it('a listing that finds every store known leaves the file alone, even where scopes share described keys', async () => {
    const { root, alice, project } = await twoScopeVault(VALUE);
    // Two scopes with the same key and description: the listing shares one ScopeKeys between them.
    await setSecrets(project, 'api/development', [{ key: 'DB_URL', value: VALUE, description: 'primary database' }]);
    await readSelectionKeys(project, { kind: 'all' });
    const written = fs.statSync(deviceFile(project), { bigint: true });
    for (let i = 0; i < 2; i++) {
      await listVault(reopen(root, alice), { decrypt: true });
      await readSelectionKeys(reopen(root, alice), { kind: 'all' });
    }
    const now = fs.statSync(deviceFile(project), { bigint: true });
    assert.equal(now.ino, written.ino, 'the file was replaced');
    assert.equal(now.mtimeNs, written.mtimeNs);
  });
});
