import * as assert from 'node:assert/strict';
import { Project } from '../../src/vault/project/project';
import { setSecrets } from '../../src/vault/usecases/secrets';
import { listVault } from '../../src/vault/usecases/listing';
import { buildTreeModel, MASK, walk, type TreeNode } from '../../src/extension/treeModel';
import { device, tempDir, twoScopeVault } from './helpers';

const CANARY = 'canary-value-7f3a91';

function texts(nodes: TreeNode[]): string[] {
  return [...walk(nodes)].flatMap((n) => [n.label, n.description ?? '', n.tooltip ?? '', n.id]);
}

describe('tree model', () => {
  it("builds an environment's key nodes when first asked for, then keeps them", async () => {
    const { project } = await twoScopeVault(CANARY);
    const listing = await listVault(project, { decrypt: true });
    const built: string[] = [];
    const keys = listing.keys!.get('api/production')!;
    // Observe reads of the listing's key list: they happen only when children are built.
    listing.keys!.set(
      'api/production',
      new Proxy(keys, {
        get: (t, p, r) => {
          if (p === 'infos') built.push('api/production');
          return Reflect.get(t, p, r);
        },
      }),
    );
    const env = buildTreeModel([{ folderName: 'w', listing, activeEnv: 'production' }])[1]!.children[1]!;
    assert.equal(env.collapsible, 'collapsed');
    assert.deepEqual(built, []);
    const first = env.children;
    assert.equal(first[0]!.label, 'DB_URL');
    assert.equal(env.children, first);
    assert.deepEqual(built, ['api/production']);
  });

  it('lists (root) then services, envs with key counts, keys masked with descriptions', async () => {
    const { project } = await twoScopeVault(CANARY);
    const listing = await listVault(project, { decrypt: true });
    const nodes = buildTreeModel([{ folderName: 'w', listing, activeEnv: 'production' }]);
    assert.deepEqual(
      nodes.map((n) => n.label),
      ['(root)', 'api'],
    );
    const api = nodes[1]!;
    assert.deepEqual(
      api.children.map((n) => [n.label, n.description]),
      [
        ['development', '0 keys · default'],
        ['production', '1 key · active'],
      ],
    );
    const key = api.children[1]!.children[0]!;
    assert.equal(key.label, 'DB_URL');
    assert.equal(key.description, `${MASK}  primary database`);
    assert.equal(key.contextValue, 'kagi.key');
    assert.deepEqual(key.ref, { vault: project.root, scope: 'api/production', key: 'DB_URL' });
    for (const t of texts(nodes)) assert.ok(!t.includes(CANARY), `a value leaked into ${JSON.stringify(t)}`);
  });

  it('keeps ids stable across rebuilds so expansion survives a refresh', async () => {
    const { project } = await twoScopeVault(CANARY);
    const a = buildTreeModel([
      { folderName: 'w', listing: await listVault(project, { decrypt: true }), activeEnv: 'development' },
    ]);
    await setSecrets(project, 'api/production', [{ key: 'NEW', value: 'x' }]);
    const b = buildTreeModel([
      { folderName: 'w', listing: await listVault(project, { decrypt: true }), activeEnv: 'development' },
    ]);
    const idsA = new Set([...walk(a)].map((n) => n.id));
    for (const id of idsA)
      assert.ok(
        [...walk(b)].some((n) => n.id === id),
        `id ${id} vanished`,
      );
    assert.equal([...walk(b)].length, [...walk(a)].length + 1);
  });

  it('shows structure and a Request access action when this device is not a member', async () => {
    const { root } = await twoScopeVault(CANARY);
    const bob = device('bob');
    const listing = await listVault(Project.open(root, bob), { decrypt: true });
    assert.equal(listing.blocked?.state, 'no-identity');
    const nodes = buildTreeModel([{ folderName: 'w', listing, activeEnv: 'development' }]);
    const action = nodes.find((n) => n.kind === 'action');
    assert.equal(action?.command?.command, 'kagi.requestAccess');
    const api = nodes.find((n) => n.label === 'api')!;
    assert.deepEqual(
      api.children.map((n) => n.label),
      ['development', 'production'],
    );
    assert.ok(
      api.children.every((n) => n.description === undefined || !/key/.test(n.description)),
      'no key counts when locked',
    );
    assert.ok(api.children.every((n) => n.children.length === 0 && n.contextValue === 'kagi.env.locked'));
  });

  it('decrypts nothing in Restricted Mode and offers trust management', async () => {
    const { project } = await twoScopeVault(CANARY);
    const listing = await listVault(project, { decrypt: false });
    assert.equal(listing.keys, undefined);
    const nodes = buildTreeModel([{ folderName: 'w', listing, activeEnv: 'development' }]);
    assert.equal(nodes.find((n) => n.kind === 'action')?.command?.command, 'workbench.trust.manage');
    assert.ok(![...walk(nodes)].some((n) => n.kind === 'key'));
  });

  it('puts one folder node per vault in a multi-root workspace', async () => {
    const one = await twoScopeVault(CANARY);
    const two = await twoScopeVault(CANARY);
    const nodes = buildTreeModel([
      { folderName: 'one', listing: await listVault(one.project, { decrypt: true }), activeEnv: 'development' },
      { folderName: 'two', listing: await listVault(two.project, { decrypt: true }), activeEnv: 'development' },
    ]);
    assert.deepEqual(
      nodes.map((n) => [n.kind, n.label]),
      [
        ['folder', 'one'],
        ['folder', 'two'],
      ],
    );
    assert.equal(new Set([...walk(nodes)].map((n) => n.id)).size, [...walk(nodes)].length, 'ids are unique');
  });

  it('reports a bad kagi.json as a notice without structure', async () => {
    const root = tempDir();
    const fs = await import('node:fs');
    fs.mkdirSync(`${root}/.kagi`);
    fs.writeFileSync(`${root}/.kagi/kagi.json`, '{ nope');
    const listing = await listVault(Project.unopened(root, device('x')), { decrypt: true });
    assert.equal(listing.blocked?.state, 'bad-config');
    const nodes = buildTreeModel([{ folderName: 'w', listing, activeEnv: 'development' }]);
    assert.deepEqual(
      nodes.map((n) => n.kind),
      ['notice', 'action'],
    );
  });
});
