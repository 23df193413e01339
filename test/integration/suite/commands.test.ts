import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Project } from '../../../src/vault/project/project';
import { readSecret } from '../../../src/vault';
import { fixture, registerCanary, sleep, waitFor, workspaceFolder } from '../helpers';
import { assertNoValues, kagiApi, withAnswers } from '../scriptedPrompter';
import type { NodeRef } from '../../../src/extension/treeModel';
import { ClipboardGuard } from '../../../src/extension/clipboard';

const root = () => workspaceFolder()!;
const project = () => Project.open(root(), { env: process.env });
const ref = (scope: string, key?: string): NodeRef => ({ vault: project().root, scope, ...(key ? { key } : {}) });
const secretEditors = () =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label.includes('API_TOKEN'));

/** Every file under `dir` (but `.kagi/`) whose bytes contain `text`. */
function filesHolding(dir: string, text: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== '.kagi') out.push(...filesHolding(p, text));
    else if (e.isFile() && fs.readFileSync(p).includes(text)) out.push(p);
  }
  return out.sort();
}

describe('Kagi commands', () => {
  const fx = fixture();
  const devValue = fx.vault?.secrets.find((s) => s.env === 'development')?.value ?? '';

  before(async () => {
    assert.ok(fx.vault, `the harness fixture has no vault: ${fx.vaultError}`);
    registerCanary(devValue);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('reveal', () => {
    it('shows nothing when the confirmation is cancelled', async () => {
      const { result, prompter } = await withAnswers([{ confirm: undefined }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.reveal', ref('api/development', 'API_TOKEN'))),
      );
      assert.equal(result, false);
      assert.deepEqual(prompter.values, []);
      assert.equal(secretEditors().length, 0);
      assertNoValues(prompter.shown, [devValue], 'the reveal confirmation');
    });

    it('shows the value in a modal after confirming', async () => {
      const { result, prompter } = await withAnswers([{ confirm: 'Show in Dialog' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.reveal', ref('api/development', 'API_TOKEN'))),
      );
      assert.equal(result, true);
      assert.deepEqual(prompter.values, [devValue]);
      assertNoValues(prompter.shown, [devValue], 'titles and messages around the reveal');
    });

    it('"Show in Editor" opens a tab that Save and Save As cannot write to disk', async function () {
      this.timeout(30000);
      const before = filesHolding(root(), devValue);
      const { result } = await withAnswers([{ confirm: 'Show in Editor' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.reveal', ref('api/development', 'API_TOKEN'))),
      );
      assert.equal(result, true);
      const tab = await waitFor(() => vscode.window.tabGroups.activeTabGroup.activeTab, { what: 'the reveal tab' });
      // Try what a person would: Save As (accepting the dialog's proposed path), then Save.
      void vscode.commands.executeCommand('workbench.action.files.saveAs');
      await sleep(1500);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await sleep(1500);
      await vscode.commands.executeCommand('workbench.action.files.save');
      await sleep(1000);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.deepEqual(filesHolding(root(), devValue), before, 'a revealed value was written to a file');
      assert.equal(tab!.label, 'API_TOKEN (api/development)');
      assert.ok(
        tab!.input instanceof vscode.TabInputWebview,
        'the value is shown in a text editor, which can be saved',
      );
      const docs = vscode.workspace.textDocuments.filter((d) => d.getText().includes(devValue));
      assert.deepEqual(
        docs.map((d) => d.uri.toString()),
        [],
        'a text document holds the value',
      );
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('is asked which key when run from the palette', async () => {
      const { prompter } = await withAnswers(
        [{ pick: 'api/development' }, { pick: 'API_TOKEN' }, { confirm: undefined }],
        () => Promise.resolve(vscode.commands.executeCommand('kagi.reveal')),
      );
      assert.equal(prompter.asked.length, 3);
    });
  });

  describe('copy', () => {
    before(async () => {
      await vscode.workspace
        .getConfiguration('kagi')
        .update('clipboardClearSeconds', 1, vscode.ConfigurationTarget.Global);
    });
    after(async () => {
      await vscode.workspace
        .getConfiguration('kagi')
        .update('clipboardClearSeconds', undefined, vscode.ConfigurationTarget.Global);
    });

    it('copies after confirmation and clears the clipboard after kagi.clipboardClearSeconds', async () => {
      await vscode.env.clipboard.writeText('before');
      const { result } = await withAnswers([{ confirm: 'Copy' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.copyValue', ref('api/development', 'API_TOKEN'))),
      );
      assert.equal(result, true);
      assert.equal(await vscode.env.clipboard.readText(), devValue);
      await waitFor(async () => (await vscode.env.clipboard.readText()) === '', {
        timeoutMs: 5000,
        what: 'the clipboard to be cleared',
      });
    });

    it('leaves the clipboard alone when it no longer holds the value', async () => {
      await withAnswers([{ confirm: 'Copy' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.copyValue', ref('api/development', 'API_TOKEN'))),
      );
      await vscode.env.clipboard.writeText('something else');
      await sleep(1800);
      assert.equal(await vscode.env.clipboard.readText(), 'something else');
    });

    // The browser may refuse the read-back (code-server shows "Unable to read from the browser's
    // clipboard" and reads ''), or a read may throw: the guard writes to the real clipboard and
    // only its reads are refused here.
    const refusals: [string, () => Promise<string>][] = [
      ['throws', () => Promise.reject(new Error('NotAllowedError'))],
      ['reads back empty', () => Promise.resolve('')],
    ];
    for (const [how, readText] of refusals) {
      it(`clears the value and logs it when the read-back ${how}`, async () => {
        const logged: string[] = [];
        const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m) };
        const guard = new ClipboardGuard(log, { readText, writeText: (t) => vscode.env.clipboard.writeText(t) });
        const { cleared } = await guard.copy(devValue, 0);
        assert.equal(await cleared, 'cleared-unverified');
        assert.equal(await vscode.env.clipboard.readText(), '', 'the value was left on the clipboard');
        assert.deepEqual(logged, ['clipboard: could not read back; cleared']);
        guard.dispose();
      });
    }

    it('copies nothing when cancelled', async () => {
      await vscode.env.clipboard.writeText('untouched');
      const { result } = await withAnswers([{ confirm: undefined }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.copyValue', ref('api/development', 'API_TOKEN'))),
      );
      assert.equal(result, false);
      assert.equal(await vscode.env.clipboard.readText(), 'untouched');
    });
  });

  describe('set, generate, delete', () => {
    const typed = `kagi-canary-typed-${Date.now()}`;
    before(() => registerCanary(typed));

    it('sets a typed value under a normalized key name', async () => {
      const { result } = await withAnswers([{ input: 'typed-key' }, { pick: 'type' }, { input: typed }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.setSecret', ref('api/staging'))),
      );
      assert.equal(result, true);
      assert.equal((await readSecret(project(), 'api/staging', 'TYPED_KEY')).value, typed);
    });

    it('sets a multi-line value from the clipboard and clears the clipboard', async () => {
      const pem = `-----BEGIN KEY-----\nkagi-canary-pem-${Date.now()}\n-----END KEY-----`;
      registerCanary(pem.split('\n')[1]!);
      await vscode.env.clipboard.writeText(pem);
      const { prompter } = await withAnswers([{ input: 'PEM_KEY' }, { pick: 'clipboard' }, { confirm: 'Store' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.setSecret', ref('api/staging'))),
      );
      assert.equal((await readSecret(project(), 'api/staging', 'PEM_KEY')).value, pem);
      assert.equal(await vscode.env.clipboard.readText(), '');
      assertNoValues(prompter.shown, [pem.split('\n')[1]!], 'the clipboard confirmation');
    });

    it('generates a value of the chosen format and length without showing it', async () => {
      const { result, prompter } = await withAnswers([{ input: 'GENERATED' }, { pick: 'hex' }, { input: '40' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.generateSecret', ref('api/staging'))),
      );
      assert.equal(result, true);
      const value = (await readSecret(project(), 'api/staging', 'GENERATED')).value;
      registerCanary(value);
      assert.match(value, /^[0-9a-f]{40}$/);
      assertNoValues(prompter.shown, [value], 'the generate flow');
    });

    it('setting a key that changes how programs start warns by name, as the CLI does', async () => {
      const value = `--require ./kagi-canary-node-options-${Date.now()}.js`;
      registerCanary(value);
      const { result, prompter } = await withAnswers(
        [{ input: 'NODE_OPTIONS' }, { pick: 'type' }, { input: value }],
        () => Promise.resolve(vscode.commands.executeCommand('kagi.setSecret', ref('api/staging'))),
      );
      assert.equal(result, true);
      try {
        assert.ok(
          prompter.warnings.some((w) => /NODE_OPTIONS in api\/staging changes how programs start/.test(w)),
          `no dangerous-name warning among: ${JSON.stringify(prompter.warnings)}`,
        );
        assertNoValues(prompter.warnings, [value], 'the dangerous-name warning');
      } finally {
        await withAnswers([{ confirm: 'Delete' }], () =>
          Promise.resolve(vscode.commands.executeCommand('kagi.deleteSecret', ref('api/staging', 'NODE_OPTIONS'))),
        );
      }
    });

    it('deletes only after confirmation', async () => {
      await withAnswers([{ confirm: undefined }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.deleteSecret', ref('api/staging', 'TYPED_KEY'))),
      );
      assert.equal((await readSecret(project(), 'api/staging', 'TYPED_KEY')).value, typed);
      await withAnswers([{ confirm: 'Delete' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.deleteSecret', ref('api/staging', 'TYPED_KEY'))),
      );
      await assert.rejects(readSecret(project(), 'api/staging', 'TYPED_KEY'), /is not set/);
    });
  });

  describe('environments', () => {
    it('adds, renames and removes (typed confirmation) an environment', async () => {
      await withAnswers([{ input: 'qa' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.addEnvironment', { vault: project().root })),
      );
      assert.ok(project().config().settings.envs.includes('qa'));
      assert.ok(project().config().services['api/qa'], 'api/qa was not pre-created');
      await withAnswers([{ input: 'uat' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.renameEnvironment', { vault: project().root, env: 'qa' })),
      );
      assert.ok(project().config().services['api/uat'] && !project().config().services['api/qa']);
      await assert.rejects(
        withAnswers([{ input: 'wrong' }], () =>
          Promise.resolve(
            vscode.commands.executeCommand('kagi.removeEnvironment', { vault: project().root, env: 'uat' }),
          ),
        ),
        /rejected/,
      );
      assert.ok(project().config().settings.envs.includes('uat'), 'removed without the typed name');
      await withAnswers([{ input: 'uat' }], () =>
        Promise.resolve(
          vscode.commands.executeCommand('kagi.removeEnvironment', { vault: project().root, env: 'uat' }),
        ),
      );
      assert.ok(!project().config().settings.envs.includes('uat'));
      assert.ok(!project().config().services['api/uat']);
    });

    it('renaming or removing the active environment announces the vault once', async () => {
      const ctx = await kagiApi();
      const v = ctx.vaults()[0]!;
      const run = (cmd: string, env: string | undefined, answer: string) =>
        withAnswers([{ input: answer }], () =>
          Promise.resolve(vscode.commands.executeCommand(cmd, { vault: project().root, env })),
        );
      await run('kagi.addEnvironment', undefined, 'qa');
      await ctx.setActiveEnv(v, 'qa');
      // Counts only the commands' own announcements: the watcher's later passes are not what is measured.
      let announced = 0;
      const sub = ctx.onDidChangeVault((c) => {
        if (!c.fromDisk) announced++;
      });
      try {
        await run('kagi.renameEnvironment', 'qa', 'uat');
        assert.equal(ctx.activeEnv(v), 'uat', 'the active environment did not follow the rename');
        assert.equal(announced, 1, 'renaming the active environment announced the vault more than once');
        await run('kagi.removeEnvironment', 'uat', 'uat');
        assert.equal(ctx.activeEnv(v), project().config().settings.defaultEnv);
        assert.equal(announced, 2, 'removing the active environment announced the vault more than once');
      } finally {
        sub.dispose();
        await ctx.setActiveEnv(v, 'development');
      }
    });

    it('switches the active environment (status bar, completions)', async () => {
      const ctx = await kagiApi();
      const v = ctx.vaults()[0]!;
      await withAnswers([{ pick: 'staging' }], () =>
        Promise.resolve(vscode.commands.executeCommand('kagi.switchEnvironment')),
      );
      assert.equal(ctx.activeEnv(v), 'staging');
      await ctx.setActiveEnv(v, 'development');
      assert.equal(ctx.activeEnv(v), 'development');
    });
  });

  it("shows status: key source, decryption, this device's member", async () => {
    const { result, prompter } = await withAnswers([], () =>
      Promise.resolve(vscode.commands.executeCommand<string>('kagi.showStatus')),
    );
    assert.match(String(result), /Decrypts: yes/);
    assert.match(String(result), /Key source: device identity/);
    assert.match(String(result), /This device: .+ \(kgm_[\w-]+, owner\)/);
    assert.match(String(result), /Rotation journal: none/);
    assertNoValues(prompter.shown, [devValue], 'the status report');
  });
});
