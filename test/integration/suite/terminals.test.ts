// Terminals with secrets in a real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from '../helpers';
import { assertNoValues, withAnswers } from '../scriptedPrompter';
import { api, fixtureToken, sha256 } from './injectHelpers';

const SETTING = 'terminal.injectActiveScope';
const SERVICE = 'terminal.service';

describe('kagi terminals', function () {
  this.timeout(30000);

  before(function () {
    if (!vscode.workspace.isTrusted) this.skip();
  });

  afterEach(async () => {
    for (const key of [SETTING, SERVICE])
      await vscode.workspace.getConfiguration('kagi').update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it('kagi.terminal.injectActiveScope fills the (non-persistent) environment collection with the active scope, and clears it when off', async function () {
    const ctx = await api();
    const env = ctx.activeEnv(ctx.vaults()[0]!);
    const token = fixtureToken(env);
    const collection = ctx.terminals.collection;
    assert.equal(collection.persistent, false, 'the collection would be cached on disk by VS Code');
    await ctx.terminals.settled();
    assert.equal(collection.get('API_TOKEN'), undefined, 'injected although the setting is off (default)');

    await vscode.workspace.getConfiguration('kagi').update(SETTING, true, vscode.ConfigurationTarget.Global);
    const services = new Set(
      ctx
        .vaults()[0]!
        .project.scopes()
        .filter((x) => x.includes('/'))
        .map((x) => x.split('/')[0]),
    );
    if (services.size > 1) {
      // Several services and no kagi.terminal.service: ambiguous, so nothing is injected.
      await new Promise((r) => setTimeout(r, 400));
      await ctx.terminals.settled();
      assert.equal(collection.get('API_TOKEN'), undefined, 'injected a guessed service');
    }
    await vscode.workspace.getConfiguration('kagi').update(SERVICE, 'api', vscode.ConfigurationTarget.Global);
    await waitFor(
      async () => {
        await ctx.terminals.settled();
        return collection.get('API_TOKEN') !== undefined;
      },
      { timeoutMs: 10000, what: 'API_TOKEN in the environment collection' },
    );
    const m = collection.get('API_TOKEN')!;
    assert.equal(m.type, vscode.EnvironmentVariableMutatorType.Replace);
    assert.equal(sha256(m.value), sha256(token));
    const description = String(
      (collection.description as vscode.MarkdownString | undefined)?.value ?? collection.description ?? '',
    );
    assert.ok(description.includes(`api/${env}`), 'the description does not name the scope');
    assert.equal(description.includes(token), false);

    await vscode.workspace.getConfiguration('kagi').update(SETTING, false, vscode.ConfigurationTarget.Global);
    await waitFor(
      async () => {
        await ctx.terminals.settled();
        return collection.get('API_TOKEN') === undefined;
      },
      { timeoutMs: 10000, what: 'the collection to be cleared' },
    );
  });

  it('kagi.openTerminalWithScope opens "kagi: <scope>" with the secrets in its creation options', async function () {
    const token = fixtureToken('production');
    const { result: terminal, prompter } = await withAnswers([{ pick: 'api/production' }], () =>
      Promise.resolve(vscode.commands.executeCommand<vscode.Terminal | undefined>('kagi.openTerminalWithScope')),
    );
    try {
      assert.ok(terminal, 'no terminal was opened');
      assert.equal(terminal.name, 'kagi: api/production');
      const opts = terminal.creationOptions as vscode.TerminalOptions;
      assert.equal(opts.strictEnv, false);
      assert.equal(sha256(String(opts.env?.API_TOKEN ?? '')), sha256(token));
      assertNoValues(prompter.shown, [token], 'the questions');
    } finally {
      terminal?.dispose();
    }
  });
});

describe('kagi terminals in Restricted Mode', function () {
  this.timeout(30000);

  before(function () {
    if (vscode.workspace.isTrusted) this.skip();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('kagi').update(SETTING, undefined, vscode.ConfigurationTarget.Global);
  });

  it('injects nothing into terminals even with the setting on', async () => {
    const ctx = await api();
    await vscode.workspace.getConfiguration('kagi').update(SETTING, true, vscode.ConfigurationTarget.Global);
    await new Promise((r) => setTimeout(r, 500));
    await ctx.terminals.settled();
    let n = 0;
    ctx.terminals.collection.forEach(() => n++);
    assert.equal(n, 0);
  });

  it('kagi.openTerminalWithScope opens nothing and asks nothing', async () => {
    const { result, prompter } = await withAnswers([], () =>
      Promise.resolve(vscode.commands.executeCommand('kagi.openTerminalWithScope')),
    );
    assert.equal(result, undefined);
    assert.deepEqual(prompter.asked, []);
  });
});
