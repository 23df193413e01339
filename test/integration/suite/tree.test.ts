import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import { fixture, kagi, recordWatcher, registerCanary, settle, waitFor, watcherPasses } from '../helpers';
import { storeFileFor } from '../../../src/vault/scopes/names';
import { kagiApi, assertNoValues, withAnswers } from '../scriptedPrompter';
import { itemTexts, secretsTree, walkTree } from './treeHelpers';

describe('Kagi tree view', () => {
  const fx = fixture();
  const values = (fx.vault?.secrets ?? []).map((s) => s.value);

  before(() => {
    assert.ok(fx.vault, `the harness fixture has no vault: ${fx.vaultError}`);
    values.forEach(registerCanary);
  });

  it('shows services → environments → keys with masked values only', async () => {
    const rows = await walkTree(await secretsTree());
    const api = rows.find((r) => r.depth === 0 && r.node.label === 'api');
    assert.ok(
      api,
      `no api service at the top: ${rows
        .filter((r) => r.depth === 0)
        .map((r) => r.node.label)
        .join(', ')}`,
    );
    const envs = rows.filter((r) => r.node.kind === 'env' && r.node.ref.service === 'api').map((r) => r.node.label);
    for (const env of fx.vault!.envs) assert.ok(envs.includes(env), `env ${env} missing under api: ${envs.join(', ')}`);
    const dev = rows.find((r) => r.node.id.endsWith('#env:api/development'))!;
    assert.match(String(dev.item.description), /\d+ keys?/);
    assert.match(String(dev.item.description), /default/);
    const key = rows.find(
      (r) => r.node.kind === 'key' && r.node.ref.scope === 'api/development' && r.node.label === 'API_TOKEN',
    );
    assert.ok(key, 'API_TOKEN is not listed under api/development');
    assert.equal(key.item.description, '••••••••');
    assert.equal(key.item.contextValue, 'kagi.key');
    assert.ok(key.item.iconPath instanceof vscode.ThemeIcon && key.item.iconPath.id === 'key');
    assertNoValues(
      rows.flatMap((r) => itemTexts(r.item)),
      values,
      'the tree',
    );
  });

  it('refreshes by itself after the CLI changes the vault, keeping ids stable', async () => {
    const t = await secretsTree();
    const before = new Set((await walkTree(t)).map((r) => r.node.id));
    const value = `kagi-canary-external-${Date.now()}`;
    registerCanary(value);
    kagi(['set', 'api', 'staging', 'EXTERNAL_KEY', value]);
    const rows =
      (await waitFor(
        async () => {
          const r = await walkTree(t);
          return r.some((x) => x.node.label === 'EXTERNAL_KEY' && x.node.ref.scope === 'api/staging') ? r : undefined;
        },
        { timeoutMs: 15000, what: 'EXTERNAL_KEY to appear in the tree (file watcher)' },
      )) ?? [];
    const after = new Set(rows.map((r) => r.node.id));
    for (const id of before) assert.ok(after.has(id), `node id ${id} changed across a refresh`);
    assertNoValues(
      rows.flatMap((r) => itemTexts(r.item)),
      [...values, value],
      'the tree after refresh',
    );
  });

  it('a write through a command is re-read once: the watcher skips what the command announced', async () => {
    const ctx = await kagiApi();
    const v = ctx.vaults()[0]!;
    const value = `kagi-canary-once-${Date.now()}`;
    registerCanary(value);
    // Earlier tests' late watcher passes must not stand in for the one that sees our write.
    await settle(watcherPasses(ctx), 'the .kagi/ watcher');
    let announced = 0;
    const sub = ctx.onDidChangeVault((c) => {
      if (!c.vault || c.vault.project.root === v.project.root) announced++;
    });
    const watched = recordWatcher(ctx);
    try {
      const { result } = await withAnswers([{ pick: 'type' }, { input: value }], () =>
        Promise.resolve(
          vscode.commands.executeCommand('kagi.setSecret', {
            vault: v.project.root,
            scope: 'api/staging',
            key: 'ONCE_KEY',
          }),
        ),
      );
      assert.equal(result, true);
      const listing = await ctx.listing(v);
      assert.ok(listing.keys?.get('api/staging')?.has('ONCE_KEY'), 'the command did not refresh the listing');
      await waitFor(() => watched.saw(`.kagi/${storeFileFor('api/staging')}`), {
        timeoutMs: 15000,
        what: 'the .kagi/ watcher to see the write',
      });
      assert.equal(announced, 1, 'the vault was announced (re-listed, re-decrypted) more than once for one write');
      assert.equal(await ctx.listing(v), listing, 'the watcher dropped the listing the command had refreshed');
    } finally {
      watched.dispose();
      sub.dispose();
    }
  });

  it('a vault deleted on disk (a branch without .kagi/) leaves the tree and the terminal environment', async function () {
    this.timeout(60000);
    const ctx = await kagiApi();
    const t = await secretsTree();
    const kagiDir = ctx.vaults()[0]!.project.kagiDir;
    const away = `${kagiDir}-away-${Date.now()}`;
    const collection = ctx.terminals.collection;
    const config = vscode.workspace.getConfiguration('kagi');
    await config.update('terminal.injectActiveScope', true, vscode.ConfigurationTarget.Global);
    await config.update('terminal.service', 'api', vscode.ConfigurationTarget.Global);
    const injected = async () => {
      await ctx.terminals.settled();
      return collection.get('API_TOKEN') !== undefined;
    };
    try {
      await waitFor(injected, { timeoutMs: 15000, what: 'API_TOKEN in the terminal environment' });
      assert.ok((await t.roots()).length > 0, 'the tree shows no vault to begin with');
      fs.renameSync(kagiDir, away);
      await waitFor(async () => (await t.roots()).length === 0, {
        timeoutMs: 15000,
        what: 'the deleted vault to leave the tree',
      });
      await waitFor(async () => !(await injected()), {
        timeoutMs: 15000,
        what: "the deleted vault's secrets to leave the terminal environment",
      });
      assert.equal(ctx.vaults().length, 0);
    } finally {
      if (fs.existsSync(away)) fs.renameSync(away, kagiDir);
      await config.update('terminal.injectActiveScope', undefined, vscode.ConfigurationTarget.Global);
      await config.update('terminal.service', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(async () => (await t.roots()).some((n) => n.label === 'api'), {
      timeoutMs: 15000,
      what: 'the restored vault to come back',
    });
  });

  it('kagi.refresh rebuilds the model', async () => {
    const t = await secretsTree();
    const first = await t.roots();
    await vscode.commands.executeCommand('kagi.refresh');
    const second = await t.roots();
    assert.notEqual(first, second, 'refresh returned the cached model');
    assert.deepEqual(
      second.map((n) => n.id),
      first.map((n) => n.id),
    );
  });
});
