// The guard on both sides of workspace trust, in a real extension host. Trusted: the language-model
// tool, invoked through vscode.lm.invokeTool as an assistant would, returns scopes and key names
// and no value. Restricted Mode (the harness's KAGI_IT_TRUST pass): the tool is not registered,
// an open document holding a vault value gets no diagnostic and no quick fix, the workspace scan
// and the matrix are refused. Each mode defines only its own tests (nothing is skipped).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { kagi, workspaceFolder } from '../helpers';
import { withAnswers } from '../scriptedPrompter';
import { api, fixtureToken } from './injectHelpers';

const TOOL = 'kagi_listSecretNames';

/** The slice of the 1.95+ LM API the tests use (absent from @types/vscode 1.90). */
interface LmInvoke {
  invokeTool(
    name: string,
    options: { input: object; toolInvocationToken: undefined },
    token?: vscode.CancellationToken,
  ): Thenable<{ content: unknown[] }>;
}

function lm(): LmInvoke {
  const api = (vscode as unknown as { lm?: Partial<LmInvoke> }).lm;
  // code-server 1.139 has it; a host without it is a failure of this test, not a skip
  assert.equal(typeof api?.invokeTool, 'function', 'this VS Code has no vscode.lm.invokeTool');
  return api as LmInvoke;
}

const textOf = (result: { content: unknown[] }) =>
  result.content
    .map((p) => (p as { value?: unknown }).value)
    .filter((v): v is string => typeof v === 'string')
    .join('\n');

const kagiDiagnostics = (uri?: vscode.Uri) =>
  (uri ? vscode.languages.getDiagnostics(uri) : vscode.languages.getDiagnostics().flatMap(([, d]) => d)).filter(
    (d) => d.source === 'Kagi',
  );

describe('the guard under workspace trust', function () {
  this.timeout(40000);

  if (vscode.workspace.isTrusted) {
    it('trusted: the language-model tool returns scopes and key names, never a value', async () => {
      const tokens = ['development', 'staging', 'production'].map(fixtureToken);
      await api();
      const result = await lm().invokeTool(TOOL, { input: {}, toolInvocationToken: undefined });
      const text = textOf(result);
      for (const env of ['development', 'staging', 'production'])
        assert.match(text, new RegExp(`^  api/${env}: .*\\bAPI_TOKEN\\b`, 'm'), text);
      assert.match(text, /process\.env\.KEY/);
      const all = JSON.stringify(result);
      for (const t of tokens) assert.ok(!text.includes(t) && !all.includes(t), 'a value reached the tool result');
    });
  } else {
    const VALUE = 'restricted-plaintext-Jq71xW'; // not a canary: it is meant to be in the editor
    const dir = () => path.join(workspaceFolder()!, 'restricted-src');

    before(() => {
      kagi(['set', 'api', 'development', 'RESTRICTED_TOKEN', VALUE]);
      fs.mkdirSync(dir(), { recursive: true });
    });
    after(() => {
      kagi(['unset', '--yes', 'api', 'development', 'RESTRICTED_TOKEN']);
      fs.rmSync(dir(), { recursive: true, force: true });
    });

    it('Restricted Mode: the language-model tool is not registered', async () => {
      await api();
      await assert.rejects(
        Promise.resolve(lm().invokeTool(TOOL, { input: {}, toolInvocationToken: undefined })),
        (e: Error) => !/API_TOKEN|RESTRICTED_TOKEN/.test(String(e?.message)),
      );
    });

    it('Restricted Mode: a document holding a vault value gets no diagnostic and no quick fix', async () => {
      const k = await api();
      const file = path.join(dir(), 'client.ts');
      fs.writeFileSync(file, `export const token = "${VALUE}";\n`);
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      // the guard's own check, awaited (not its typing pause): it must find nothing to say
      await k.plaintext.check(doc);
      assert.deepEqual(kagiDiagnostics(doc.uri), []);
      const start = doc.getText().indexOf(VALUE);
      const range = new vscode.Range(doc.positionAt(start), doc.positionAt(start + VALUE.length));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        range,
      );
      const ours = actions.filter((a) => /^(Replace with a reference to|Ignore here)/.test(a.title));
      assert.deepEqual(
        ours.map((a) => a.title),
        [],
      );
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('Restricted Mode: the workspace scan and the matrix are refused, and nothing is shown', async () => {
      const k = await api();
      for (const id of ['kagi.scanWorkspace', 'kagi.compareEnvironments']) {
        const { result, prompter } = await withAnswers([], () => Promise.resolve(vscode.commands.executeCommand(id)));
        assert.equal(result, undefined, id);
        assert.equal(prompter.refusals.length, 1, `${id} was not refused with the Restricted Mode notice`);
        assert.deepEqual(prompter.shown, [], `${id} showed something`);
      }
      assert.deepEqual(kagiDiagnostics(), [], 'the scan filled the Problems view');
      assert.equal(k.compare.lastMessage, undefined, 'the matrix page was sent something');
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
      assert.ok(!tabs.includes('Kagi: Compare Environments'), `the matrix opened: ${tabs.join(', ')}`);
    });
  }
});
