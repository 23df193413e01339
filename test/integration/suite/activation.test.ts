import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, workspaceFolder } from '../helpers';
import { COMMAND_IDS } from '../../../src/extension/commandTable';

describe('Kagi extension in a real extension host', () => {
  it('is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await activateExtension();
    assert.equal(ext.isActive, true);
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
