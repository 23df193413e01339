// Safe injection in a real extension host: the production guard (kagi.protectedEnvironments)
// asks before a launch or terminal gets a protected scope, dangerous names written by another
// device are asked about, and a running Kagi terminal is told when its scope changed.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture, kagi, registerCanary, waitFor, workspaceFolder } from '../helpers';
import { assertNoValues, withAnswers } from '../scriptedPrompter';
import { api, fixtureToken, folder, HASH_ENV_JS, outFile, readJsonWhenWritten, sha256 } from './injectHelpers';

type Config = vscode.DebugConfiguration & Record<string, unknown>;

const launch = (env: string): Config => ({
  type: 'node',
  request: 'launch',
  name: `guarded ${env}`,
  program: 'app.js',
  kagi: { service: 'api', env },
});

async function resolve(config: Config): Promise<Config | undefined | null> {
  return (await (await api()).debug.resolveDebugConfigurationWithSubstitutedVariables(folder(), config)) as
    Config | undefined | null;
}

async function protect(envs: string[] | undefined): Promise<void> {
  await vscode.workspace
    .getConfiguration('kagi')
    .update('protectedEnvironments', envs, vscode.ConfigurationTarget.Global);
}

describe('safe injection: production guard, dangerous names, stale environments', function () {
  this.timeout(40000);

  before(() => protect(['production']));
  after(() => protect([]));

  it('a launch that would receive production asks first, naming the scope and the program', async () => {
    const token = fixtureToken('production');
    const refused = await withAnswers([{ confirm: undefined }], () => resolve(launch('production')));
    assert.equal(refused.result, undefined, 'the launch went ahead without a yes');
    assert.match(
      refused.prompter.asked[0]!,
      /Debug launch "guarded production" would receive the secrets of api\/production, a protected environment/,
    );
    const allowed = await withAnswers([{ confirm: 'Use api/production' }], () => resolve(launch('production')));
    assert.ok(allowed.result, 'the launch was refused after a yes');
    assert.equal(sha256(String((allowed.result.env as Record<string, string>).API_TOKEN)), sha256(token));
    assertNoValues([...refused.prompter.shown, ...allowed.prompter.shown], [token], 'the questions');
    // an environment that is not protected is not asked about (the script has no answer to give)
    const dev = await withAnswers([], () => resolve(launch('development')));
    assert.ok(dev.result);
  });

  it('a terminal for a protected scope asks; "no" opens nothing', async () => {
    const before = vscode.window.terminals.length;
    const { result } = await withAnswers([{ pick: 'api/production' }, { confirm: undefined }], () =>
      Promise.resolve(vscode.commands.executeCommand<vscode.Terminal | undefined>('kagi.openTerminalWithScope')),
    );
    assert.equal(result, undefined);
    assert.equal(vscode.window.terminals.length, before);
  });

  it('a dangerous name this device did not write is asked about by name', async () => {
    const value = '--max-old-space-size=4096';
    kagi(['set', 'api', 'staging', '--', 'NODE_OPTIONS', value]);
    // as if another device wrote it: this device's record of what it wrote or approved is gone
    const home = fixture().kagiHome;
    for (const f of fs.readdirSync(path.join(home, 'projects')))
      if (f.endsWith('.injection-approvals.json')) fs.rmSync(path.join(home, 'projects', f));
    try {
      const refused = await withAnswers([{ confirm: undefined }], () => resolve(launch('staging')));
      assert.equal(refused.result, undefined);
      assert.match(refused.prompter.asked[0]!, /NODE_OPTIONS in api\/staging changes how programs start/);
      const allowed = await withAnswers([{ confirm: 'Inject NODE_OPTIONS' }], () => resolve(launch('staging')));
      assert.equal((allowed.result!.env as Record<string, string>).NODE_OPTIONS, value);
      // approved on this device: no second question
      const again = await withAnswers([], () => resolve(launch('staging')));
      assert.ok(again.result);
    } finally {
      kagi(['unset', '--yes', 'api', 'staging', 'NODE_OPTIONS']);
    }
  });

  it('a running Kagi terminal is told when its scope changes on disk (the CLI), with "Restart"', async () => {
    const k = await api();
    const { result: terminal, prompter } = await withAnswers([{ pick: 'api/development' }], async () => {
      const t = await vscode.commands.executeCommand<vscode.Terminal | undefined>('kagi.openTerminalWithScope');
      assert.ok(t, 'no terminal was opened');
      assert.ok(k.stale.state().some((s) => s.label === 'terminal "kagi: api/development"' && !s.notified));
      // a change to another scope is not this terminal's business
      kagi(['set', 'api', 'staging', 'UNRELATED', 'guard-unrelated-value']);
      kagi(['set', 'api', 'development', 'GUARD_NEW_KEY', 'guard-new-value-1234']);
      await waitFor(() => k.stale.state().some((s) => s.scope === 'api/development' && s.notified), {
        timeoutMs: 15000,
        what: 'the stale notice',
      });
      await k.stale.settled();
      return t;
    });
    try {
      const notices = prompter.infos.filter((m) => m.includes('changed since'));
      assert.deepEqual(notices, [
        'Kagi: api/development changed since terminal "kagi: api/development" started; it still has the old values.',
      ]);
      assert.ok(prompter.shown.includes('Restart'));
      assertNoValues(prompter.shown, ['guard-new-value-1234', 'guard-unrelated-value'], 'the notice');
    } finally {
      terminal?.dispose();
      kagi(['unset', '--yes', 'api', 'development', 'GUARD_NEW_KEY']);
      kagi(['unset', '--yes', 'api', 'staging', 'UNRELATED']);
    }
  });

  it('"Restart" on the stale notice starts the terminal again, and its new shell has the new value', async function () {
    this.timeout(60000);
    const k = await api();
    const [oldValue, newValue] = ['old', 'new'].map((w) => `stale-${w}-${randomBytes(9).toString('base64url')}`);
    registerCanary(oldValue!);
    registerCanary(newValue!);
    kagi(['set', 'api', 'development', 'STALE_KEY', oldValue!]);
    const script = path.join(workspaceFolder()!, '.kagi-it', 'hash-env.js');
    fs.mkdirSync(path.dirname(script), { recursive: true });
    fs.writeFileSync(script, HASH_ENV_JS);
    // the shell runs a program that writes sha256 of STALE_KEY to a file: the value is never printed
    const hashIn = async (t: vscode.Terminal, name: string): Promise<string | undefined> => {
      const out = outFile(name);
      t.sendText(`"${process.execPath}" "${script}" '["STALE_KEY"]' "${out}"`);
      return (await readJsonWhenWritten<Record<string, string>>(out)).STALE_KEY;
    };
    const isKagiTerminal = (t: vscode.Terminal) => t.name === 'kagi: api/development' && !t.exitStatus;
    let first: vscode.Terminal | undefined;
    let second: vscode.Terminal | undefined;
    try {
      const { prompter } = await withAnswers([{ pick: 'api/development' }, { offer: 'Restart' }], async () => {
        first = await vscode.commands.executeCommand<vscode.Terminal | undefined>('kagi.openTerminalWithScope');
        assert.ok(first, 'no terminal was opened');
        assert.equal(await hashIn(first, 'stale-before'), sha256(oldValue!), 'the first shell lacks the old value');
        kagi(['set', 'api', 'development', 'STALE_KEY', newValue!]);
        // "Restart" closes the first terminal and opens another for the same scope
        second = await waitFor(() => vscode.window.terminals.find((t) => t !== first && isKagiTerminal(t)), {
          timeoutMs: 20000,
          what: 'the restarted terminal',
        });
        await waitFor(() => first!.exitStatus !== undefined, { timeoutMs: 10000, what: 'the old terminal to close' });
      });
      assert.ok(
        prompter.infos.includes(
          'Kagi: api/development changed since terminal "kagi: api/development" started; it still has the old values.',
        ),
        prompter.infos.join('\n'),
      );
      assert.equal(await hashIn(second!, 'stale-after'), sha256(newValue!), 'the restarted shell lacks the new value');
      // the new terminal is tracked afresh: not marked stale
      assert.ok(k.stale.state().some((s) => s.label === 'terminal "kagi: api/development"' && !s.notified));
      assertNoValues(prompter.shown, [oldValue!, newValue!], 'the notice');
    } finally {
      first?.dispose();
      second?.dispose();
      kagi(['unset', '--yes', 'api', 'development', 'STALE_KEY']);
    }
  });
});
