import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Project } from '../../../src/vault/project/project';
import { readSecret } from '../../../src/vault';
import { fixture, kagi, registerCanary, workspaceFolder } from '../helpers';
import { ENTER, kagiApi, withAnswers } from '../scriptedPrompter';

// Issue 18 #3: in a vault with only service scopes (the fixture: api/<env>), Enter on the first
// step of Set Secret, Generate or Import created a root scope that didn't exist.
const project = () => Project.open(workspaceFolder()!, { env: process.env });

describe('scope questions offer an existing scope first; an empty scope can be removed', () => {
  const fx = fixture();
  const typed = `kagi-canary-scopes-${Date.now()}`;

  before(async () => {
    assert.ok(fx.vault, `the harness fixture has no vault: ${fx.vaultError}`);
    registerCanary(typed);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const api = await kagiApi();
    await api.setActiveEnv(api.vaults()[0]!, 'development');
  });

  it('Set Secret: Enter on the scope step picks the active existing scope, creating none', async () => {
    const before = project().scopes();
    assert.ok(!before.includes('development'), `the fixture has a root scope: ${before.join(', ')}`);
    const { result, prompter } = await withAnswers(
      [{ pick: ENTER }, { input: 'first_day_key' }, { pick: 'type' }, { input: typed }],
      () => Promise.resolve(vscode.commands.executeCommand('kagi.setSecret')),
    );
    assert.equal(result, true);
    assert.deepEqual(project().scopes(), before, 'a scope was created');
    assert.equal((await readSecret(project(), 'api/development', 'FIRST_DAY_KEY')).value, typed);
    assert.ok(prompter.shown.includes('$(add) development'), 'the root scope is not offered as a new one');
    kagi(['unset', '--yes', 'api', 'development', 'FIRST_DAY_KEY']);
  });

  it('Generate: Enter on the scope step picks an existing scope too', async () => {
    const before = project().scopes();
    const { result } = await withAnswers(
      [{ pick: ENTER }, { input: 'first_day_gen' }, { pick: 'hex' }, { input: '32' }],
      () => Promise.resolve(vscode.commands.executeCommand('kagi.generateSecret')),
    );
    assert.equal(result, true);
    assert.deepEqual(project().scopes(), before, 'a scope was created');
    registerCanary((await readSecret(project(), 'api/development', 'FIRST_DAY_GEN')).value);
    kagi(['unset', '--yes', 'api', 'development', 'FIRST_DAY_GEN']);
  });

  it('Remove Scope removes an empty scope and refuses one that holds secrets', async () => {
    kagi(['set', 'staging', 'JUNK', 'x']);
    kagi(['unset', '--yes', 'staging', 'JUNK']);
    assert.ok(project().scopes().includes('staging'), 'the emptied root scope should exist before the test');
    const root = project().root;
    const { result } = await withAnswers([{ confirm: 'Remove' }], () =>
      Promise.resolve(
        vscode.commands.executeCommand('kagi.removeScope', { vault: root, scope: 'staging', env: 'staging' }),
      ),
    );
    assert.equal(result, true);
    assert.ok(!project().scopes().includes('staging'));

    const { result: refused, prompter } = await withAnswers([], () =>
      Promise.resolve(
        vscode.commands.executeCommand('kagi.removeScope', { vault: root, scope: 'api/staging', env: 'staging' }),
      ),
    );
    assert.equal(refused, false);
    assert.match(prompter.warnings.join('\n'), /api\/staging still holds \d+ secret/);
    assert.ok(project().scopes().includes('api/staging'));
  });
});
