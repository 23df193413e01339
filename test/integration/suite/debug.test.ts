// Debugging with secrets in a real extension host: a node launch configuration with "kagi"
// run through js-debug (built into code-server and VS Code) with noDebug; other debugger
// shapes through our provider's resolveDebugConfigurationWithSubstitutedVariables directly.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor, workspaceFolder } from '../helpers';
import { assertNoValues, withAnswers } from '../scriptedPrompter';
import {
  api,
  fixtureToken,
  folder,
  HASH_ENV_JS,
  outFile,
  readJsonWhenWritten,
  services,
  sha256,
} from './injectHelpers';

type Config = vscode.DebugConfiguration & Record<string, unknown>;

async function resolve(config: Config): Promise<Config | undefined | null> {
  const ctx = await api();
  assert.ok(
    ctx.debug?.resolveDebugConfigurationWithSubstitutedVariables,
    'the extension API does not export its debug provider',
  );
  return (await ctx.debug.resolveDebugConfigurationWithSubstitutedVariables(folder(), config)) as
    Config | undefined | null;
}

/** Starts a configuration without debugging and waits for its session to end. */
async function runNoDebug(config: Config): Promise<boolean> {
  let started: vscode.DebugSession | undefined;
  let terminated = false;
  const subs = [
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.name === config.name) started = s;
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.name === config.name) terminated = true;
    }),
  ];
  try {
    const ok = await vscode.debug.startDebugging(folder(), config, { noDebug: true });
    if (ok) await waitFor(() => terminated, { timeoutMs: 30000, what: `debug session "${config.name}" to end` });
    void started;
    return ok;
  } finally {
    subs.forEach((s) => s.dispose());
  }
}

describe('kagi launch configurations', function () {
  this.timeout(60000);
  let program = '';
  // VS Code's builtin JavaScript debugger (code-server and Electron builds alike): without it
  // the launches below cannot run, which is a broken host, not a reason to skip.
  const requireJsDebug = () =>
    assert.ok(vscode.extensions.getExtension('ms-vscode.js-debug'), 'the builtin ms-vscode.js-debug is missing');

  before(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    fixtureToken('production');
    await api();
    program = path.join(workspaceFolder()!, '.kagi-it', 'hash-env.js');
    fs.mkdirSync(path.dirname(program), { recursive: true });
    fs.writeFileSync(program, HASH_ENV_JS);
  });

  it("node (js-debug, noDebug): the program gets the scope's secret; launch env wins over a secret", async function () {
    const token = fixtureToken('staging');
    requireJsDebug();
    const out = outFile('debug-node');
    const mine = `launch-value-${randomBytes(6).toString('hex')}`;
    const ok = await runNoDebug({
      type: 'node',
      request: 'launch',
      name: 'kagi-it node',
      program,
      args: [JSON.stringify(['API_TOKEN', 'KAGI_IT_MINE']), out],
      // The launch's own API_TOKEN would win; here KAGI_IT_MINE is not a secret, API_TOKEN is.
      env: { KAGI_IT_MINE: mine },
      console: 'internalConsole',
      kagi: { service: 'api', env: 'staging' },
    });
    assert.equal(ok, true, 'startDebugging returned false');
    const hashes = await readJsonWhenWritten<Record<string, string>>(out);
    assert.equal(hashes.API_TOKEN, sha256(token), 'API_TOKEN is not the api/staging secret');
    assert.equal(hashes.KAGI_IT_MINE, sha256(mine));
  });

  it('node (js-debug, noDebug): a variable set in the launch configuration beats the secret of the same name', async function () {
    fixtureToken('staging');
    requireJsDebug();
    const out = outFile('debug-node-wins');
    const mine = `launch-wins-${randomBytes(6).toString('hex')}`;
    const ok = await runNoDebug({
      type: 'node',
      request: 'launch',
      name: 'kagi-it node wins',
      program,
      args: [JSON.stringify(['API_TOKEN']), out],
      env: { API_TOKEN: mine },
      console: 'internalConsole',
      kagi: 'api/staging',
    });
    assert.equal(ok, true);
    const hashes = await readJsonWhenWritten<Record<string, string>>(out);
    assert.equal(hashes.API_TOKEN, sha256(mine), "the secret overrode the launch configuration's own env");
  });

  it('resolve: env object for node, launch env wins, kagi removed, input untouched', async function () {
    const token = fixtureToken('production');
    const input: Config = {
      type: 'node',
      request: 'launch',
      name: 'x',
      program,
      env: { OTHER: '1' },
      kagi: { service: 'api', env: 'production' },
    };
    const before = JSON.stringify(input);
    const out = await resolve(input);
    assert.ok(out, 'the provider aborted');
    const env = out.env as Record<string, string>;
    assert.equal(sha256(env.API_TOKEN ?? ''), sha256(token));
    assert.equal(env.OTHER, '1');
    assert.equal('kagi' in out, false);
    assert.equal(JSON.stringify(input), before, 'the input configuration was modified');
    const wins = await resolve({ ...input, env: { API_TOKEN: 'mine' } });
    assert.equal((wins!.env as Record<string, string>).API_TOKEN, 'mine');
  });

  it('resolve: cppdbg gets an `environment` name/value list', async function () {
    const token = fixtureToken('production');
    const out = await resolve({
      type: 'cppdbg',
      request: 'launch',
      name: 'c',
      program: '/bin/true',
      environment: [{ name: 'KEEP', value: 'k' }],
      kagi: { service: 'api', env: 'production' },
    });
    assert.ok(out, 'the provider aborted');
    const list = out.environment as Array<{ name: string; value: string }>;
    const entry = list.find((e) => e.name === 'API_TOKEN');
    assert.ok(entry, 'no API_TOKEN in environment');
    assert.equal(sha256(entry.value), sha256(token));
    assert.ok(list.some((e) => e.name === 'KEEP' && e.value === 'k'));
    assert.equal('env' in out, false);
  });

  it('resolve: lldb-dap gets "K=V" strings', async function () {
    const token = fixtureToken('production');
    const out = await resolve({
      type: 'lldb-dap',
      request: 'launch',
      name: 'l',
      program: '/bin/true',
      kagi: 'api/production',
    });
    const entry = (out!.env as string[]).find((e) => e.startsWith('API_TOKEN='));
    assert.ok(entry);
    assert.equal(sha256(entry.slice('API_TOKEN='.length)), sha256(token));
  });

  it("resolve: `kagi: true` uses the folder's active scope (only service; refuses to guess among several); {service} gets the active env", async function () {
    const ctx = await api();
    const token = fixtureToken(ctx.activeEnv(ctx.vaults()[0]!));
    const out = await resolve({ type: 'python', request: 'launch', name: 'p', kagi: true });
    if ((await services()).length === 1) {
      assert.equal(sha256((out!.env as Record<string, string>).API_TOKEN ?? ''), sha256(token));
    } else {
      assert.equal(out, undefined, 'guessed a service among several');
    }
    const named = await resolve({ type: 'python', request: 'launch', name: 'p', kagi: { service: 'api' } });
    assert.equal(
      sha256((named!.env as Record<string, string>).API_TOKEN ?? ''),
      sha256(token),
      'the env is not the active one',
    );
  });

  it('resolve: configurations without "kagi" pass through unchanged', async () => {
    const input: Config = { type: 'node', request: 'launch', name: 'plain', program };
    assert.equal(await resolve(input), input);
  });

  it('resolve: an unknown scope, a malformed "kagi" and an attach request abort the launch (undefined, not null)', async function () {
    fixtureToken('production');
    assert.equal(
      await resolve({ type: 'node', request: 'launch', name: 'm', kagi: { service: 'api', env: 'no-such-env' } }),
      undefined,
    );
    assert.equal(await resolve({ type: 'node', request: 'launch', name: 'b', kagi: 42 }), undefined);
    assert.equal(await resolve({ type: 'node', request: 'attach', name: 'a', kagi: true }), undefined);
  });

  it('startDebugging is aborted (returns false, program not run) when the scope does not exist', async function () {
    fixtureToken('production');
    requireJsDebug();
    const out = outFile('debug-missing');
    const ok = await vscode.debug.startDebugging(
      folder(),
      {
        type: 'node',
        request: 'launch',
        name: 'kagi-it missing',
        program,
        args: ['["API_TOKEN"]', out],
        console: 'internalConsole',
        kagi: { service: 'api', env: 'no-such-env' },
      },
      { noDebug: true },
    );
    assert.equal(ok, false);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(fs.existsSync(out), false);
  });

  it('kagi.runLaunchWithSecretsNoDebug: picks a launch configuration and a scope, runs it with the secrets', async function () {
    const token = fixtureToken('production');
    requireJsDebug();
    const out = outFile('debug-command');
    const name = 'kagi-it from launch.json';
    const launch = vscode.workspace.getConfiguration('launch', folder().uri);
    const previous = launch.get<unknown[]>('configurations');
    await launch.update(
      'configurations',
      [
        {
          type: 'node',
          request: 'launch',
          name,
          program,
          args: [JSON.stringify(['API_TOKEN']), out],
          console: 'internalConsole',
        },
      ],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    let terminated = false;
    const sub = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.name === name) terminated = true;
    });
    try {
      const { result, prompter } = await withAnswers([{ pick: '0' }, { pick: 'api/production' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.runLaunchWithSecretsNoDebug')),
      );
      assert.equal(result, true);
      assertNoValues(prompter.shown, [token], 'the questions');
      const hashes = await readJsonWhenWritten<Record<string, string>>(out);
      assert.equal(hashes.API_TOKEN, sha256(token));
      await waitFor(() => terminated, { timeoutMs: 20000, what: `the end of debug session "${name}"` });
      const after = JSON.stringify(vscode.workspace.getConfiguration('launch', folder().uri).get('configurations'));
      assert.equal(after.includes('"kagi"'), false, 'launch.json was changed');
      assert.equal(after.includes(token), false);
    } finally {
      sub.dispose();
      await launch.update('configurations', previous, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });
});

describe('kagi launch configurations in Restricted Mode', () => {
  before(function () {
    if (vscode.workspace.isTrusted) this.skip();
  });

  it('aborts every launch that asks for secrets (undefined), lets the others through', async () => {
    for (const kagi of [true, 'api/production', { service: 'api', env: 'development' }]) {
      assert.equal(
        await resolve({ type: 'node', request: 'launch', name: 'r', kagi }),
        undefined,
        JSON.stringify(kagi),
      );
    }
    const plain: Config = { type: 'node', request: 'launch', name: 'plain' };
    assert.equal(await resolve(plain), plain);
  });

  it('kagi.runLaunchWithSecrets asks nothing', async () => {
    const { result, prompter } = await withAnswers([], () =>
      Promise.resolve(vscode.commands.executeCommand('kagi.runLaunchWithSecrets')),
    );
    assert.notEqual(result, true);
    assert.deepEqual(prompter.asked, []);
  });
});
