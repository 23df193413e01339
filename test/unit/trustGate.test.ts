import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { allowedInWorkspace, COMMAND_CAPABILITY } from '../../src/extension/trustGate';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const contributed: string[] = (pkg.contributes?.commands ?? []).map((c: { command: string }) => c.command);

describe('Restricted Mode gate', () => {
  it('lets only structure commands run untrusted', () => {
    const allowed = Object.keys(COMMAND_CAPABILITY)
      .filter((id) => allowedInWorkspace(id, false))
      .sort();
    assert.deepEqual(allowed, ['kagi.openTeam', 'kagi.refresh', 'kagi.showStatus', 'kagi.switchEnvironment']);
  });

  it('refuses every command that runs a program, a terminal or a team change when untrusted', () => {
    for (const id of [
      'kagi.openTerminalWithScope',
      'kagi.runLaunchWithSecrets',
      'kagi.runLaunchWithSecretsNoDebug',
      'kagi.requestAccess',
      'kagi.approveMember',
      'kagi.removeMember',
      'kagi.copyRecipient',
      'kagi.resolveAccessConflict',
    ]) {
      assert.equal(allowedInWorkspace(id, false), false, id);
    }
  });

  it('refuses reveal, copy, export, set, import when untrusted and allows them when trusted', () => {
    for (const id of ['kagi.reveal', 'kagi.copyValue', 'kagi.exportDotenv', 'kagi.setSecret', 'kagi.importDotenv']) {
      assert.equal(allowedInWorkspace(id, false), false, id);
      assert.equal(allowedInWorkspace(id, true), true, id);
    }
  });

  it('refuses unknown commands when untrusted', () => {
    assert.equal(allowedInWorkspace('kagi.somethingNew', false), false);
  });

  it('classifies every contributed command, and only those', () => {
    assert.deepEqual(Object.keys(COMMAND_CAPABILITY).sort(), [...contributed].sort());
  });

  it('hides decrypting menu entries in untrusted workspaces', () => {
    const menus = pkg.contributes.menus as Record<string, { command: string; when?: string }[]>;
    for (const items of Object.values(menus)) {
      for (const item of items) {
        if (!(item.command in COMMAND_CAPABILITY) || COMMAND_CAPABILITY[item.command] === 'structure') continue;
        if (item.when === undefined) continue;
        assert.match(item.when, /isWorkspaceTrusted/, `${item.command} shows in Restricted Mode (${item.when})`);
      }
    }
  });
});
