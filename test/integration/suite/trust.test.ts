// One extension host can't toggle workspace trust. The harness runs this host trusted by
// default (--disable-workspace-trust) and untrusted with KAGI_IT_TRUST=1; each half below runs
// in the mode it is about and skips in the other. The gate table itself is unit-tested
// (test/unit/trustGate.test.ts) and the Restricted Mode UI is checked in test/ui.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { workspaceFolder } from '../helpers';
import { kagiApi, withAnswers } from '../scriptedPrompter';
import { COMMAND_CAPABILITY } from '../../../src/extension/trustGate';

describe('Restricted Mode', () => {
  it('untrusted: refuses every command that is not structure-only without asking anything', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    const ref = { vault: workspaceFolder()!, scope: 'api/development', key: 'API_TOKEN' };
    const refused = Object.keys(COMMAND_CAPABILITY).filter((id) => COMMAND_CAPABILITY[id] !== 'structure');
    assert.ok(refused.includes('kagi.openTerminalWithScope') && refused.includes('kagi.approveMember'));
    for (const id of refused) {
      const { result, prompter } = await withAnswers([], () =>
        Promise.resolve(vscode.commands.executeCommand(id, ref)),
      );
      assert.equal(result, undefined, id);
      assert.deepEqual(prompter.shown, [], `${id} asked or showed something in Restricted Mode`);
      assert.equal(prompter.refusals.length, 1, `${id} was not refused once with the Restricted Mode notice`);
    }
  });

  it('untrusted: the tree shows structure but no key names', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    const nodes = await (await kagiApi()).tree.roots();
    const all = JSON.stringify(nodes);
    assert.ok(!all.includes('"kind":"key"'), 'key nodes in Restricted Mode');
    assert.ok(all.includes('Restricted Mode'));
  });

  it('trusted: the same commands reach their first question', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    const { result, prompter } = await withAnswers([{ confirm: undefined }], () =>
      Promise.resolve(
        vscode.commands.executeCommand('kagi.reveal', {
          vault: workspaceFolder()!,
          scope: 'api/development',
          key: 'API_TOKEN',
        }),
      ),
    );
    assert.equal(result, false);
    assert.equal(prompter.asked.length, 1);
  });
});
