import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, workspaceFolder } from '../helpers';
import { withAnswers } from '../scriptedPrompter';
import { COMMAND_IDS } from '../../../src/extension/commandTable';
import { ON_DEMAND_COMMANDS } from '../../../src/extension/onDemand';

/** Whether the host has loaded `dist/<name>` (Node's module cache, which every extension shares). */
const loadedFromDist = (name: string) =>
  Object.keys(require.cache).some((f) => path.basename(f) === name && path.basename(path.dirname(f)) === 'dist');

describe('Kagi extension in a real extension host', () => {
  it('is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await activateExtension();
    assert.equal(ext.isActive, true);
  });

  // First of the suite's command runs (this file runs first): nothing has run a command yet.
  it('loads the command handlers (dist/commands.js) on the first run of one of them, not at activation', async () => {
    await activateExtension();
    assert.equal(loadedFromDist('extension.js'), true, 'the check cannot see the extension load');
    assert.equal(loadedFromDist('commands.js'), false, 'activation loaded the handlers of the on-demand commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      ON_DEMAND_COMMANDS.filter((id) => !registered.has(id)),
      [],
      'an on-demand command is not registered at activation',
    );
    const { result } = await withAnswers([], () =>
      Promise.resolve(vscode.commands.executeCommand<string>('kagi.showStatus')),
    );
    assert.match(String(result), /Decrypts: yes/, 'the on-demand handler did not run');
    assert.equal(loadedFromDist('commands.js'), true);
  });

  it('registers kagi.refresh', async () => {
    await activateExtension();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('kagi.refresh'), 'kagi.refresh is not registered');
    await vscode.commands.executeCommand('kagi.refresh');
  });

  it('registers every command of the command table (package.json is generated from it)', async () => {
    await activateExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMAND_IDS.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `in the command table but never registered: ${missing.join(', ')}`);
  });

  it('registers no test-only command', async () => {
    await activateExtension();
    const hidden = (await vscode.commands.getCommands(true)).filter(
      (id) => id.startsWith('kagi.') && id.includes('._'),
    );
    assert.deepEqual(hidden, []);
  });

  it('opens the temp workspace folder of this run', () => {
    const folder = workspaceFolder();
    assert.ok(folder, 'no workspace folder is open');
  });
});
