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

  it('hides every menu entry of a command that may not run untrusted (a `when` with isWorkspaceTrusted)', () => {
    const menus = pkg.contributes.menus as Record<string, MenuItem[]>;
    const items = Object.entries(menus).flatMap(([menu, list]) => list.map((item) => ({ menu, item })));
    assert.ok(items.length > 0, 'package.json contributes no menu items');
    const shownUntrusted = items
      .filter(({ item }) => !allowedInWorkspace(item.command, false) && !requiresTrust(item.when))
      .map(({ menu, item }) => `${menu}: ${item.command} (when: ${item.when ?? 'none'})`);
    assert.deepEqual(shownUntrusted, [], 'menu items shown in Restricted Mode');
  });

  it('the menu check flags a missing `when`, a negated or or-ed trust clause', () => {
    assert.equal(requiresTrust(undefined), false);
    assert.equal(requiresTrust('view == kagi.secrets'), false);
    assert.equal(requiresTrust('!isWorkspaceTrusted'), false);
    assert.equal(requiresTrust('isWorkspaceTrusted || view == kagi.secrets'), false);
    assert.equal(requiresTrust('kagi.hasVault && isWorkspaceTrustedish'), false);
    assert.equal(requiresTrust('view == kagi.secrets && isWorkspaceTrusted'), true);
    assert.equal(requiresTrust('isWorkspaceTrusted'), true);
  });
});

interface MenuItem {
  command: string;
  when?: string;
}

/** True when the clause can only hold in a trusted workspace: isWorkspaceTrusted is a top-level conjunct. */
function requiresTrust(when: string | undefined): boolean {
  if (when === undefined || when.includes('||')) return false;
  return when.split('&&').some((term) => term.trim() === 'isWorkspaceTrusted');
}
