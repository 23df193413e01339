// The plaintext guard in a real editor: a vault value typed into a document gets a warning, the
// quick fix replaces it with a reference to its key, and "Scan Workspace" fills the Problems view
// from the files Git would commit.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { kagi, waitFor, workspaceFolder } from '../helpers';
import { withAnswers } from '../scriptedPrompter';
import { api } from './injectHelpers';

// Not one of the fixture's canaries: this value is meant to be on screen in this test.
const VALUE = 'plaintext-guard-Xv93kQ7m';

const kagiDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Kagi');

describe('plaintext guard: diagnostics, quick fixes, workspace scan', function () {
  this.timeout(40000);
  const dir = () => path.join(workspaceFolder()!, 'guard-src');

  before(async () => {
    await api();
    kagi(['set', 'api', 'development', 'GUARD_TOKEN', VALUE]);
    fs.mkdirSync(dir(), { recursive: true });
  });

  after(() => {
    kagi(['unset', '--yes', 'api', 'development', 'GUARD_TOKEN']);
    fs.rmSync(dir(), { recursive: true, force: true });
  });

  it('warns where an open document holds a value; the quick fix writes process.env.KEY', async () => {
    const file = path.join(dir(), 'client.ts');
    fs.writeFileSync(file, `export const token = "${VALUE}";\n`);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const d = (await waitFor(() => kagiDiagnostics(doc.uri)[0], {
      timeoutMs: 15000,
      what: 'the plaintext diagnostic',
    }))!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /^The value of GUARD_TOKEN \(api\/development\) is written here in plain text/);
    assert.ok(!d.message.includes(VALUE));
    assert.equal(doc.getText(d.range), VALUE);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      d.range,
    );
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Ignore here'), titles.join(', '));
    const fix = actions.find((a) => a.title === 'Replace with a reference to GUARD_TOKEN');
    assert.ok(fix?.edit, titles.join(', '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), 'export const token = process.env.GUARD_TOKEN;\n');
    await waitFor(() => kagiDiagnostics(doc.uri).length === 0, { what: 'the diagnostic to go' });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('"Ignore here" removes the warning of that place', async () => {
    const file = path.join(dir(), 'settings.py');
    fs.writeFileSync(file, `TOKEN = '${VALUE}'\n`);
    const doc = await vscode.workspace.openTextDocument(file);
    const d = (await waitFor(() => kagiDiagnostics(doc.uri)[0], {
      timeoutMs: 15000,
      what: 'the plaintext diagnostic',
    }))!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      d.range,
    );
    assert.ok(actions.some((a) => a.title === 'Replace with a reference to GUARD_TOKEN'));
    const ignore = actions.find((a) => a.title === 'Ignore here')?.command;
    assert.ok(ignore, 'no Ignore here action');
    await vscode.commands.executeCommand(ignore.command, ...(ignore.arguments ?? []));
    assert.equal(kagiDiagnostics(doc.uri).length, 0);
  });

  it('"Scan Workspace for Plaintext Secrets" fills the Problems view from what Git would commit', async () => {
    const root = workspaceFolder()!;
    const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    const hadGit = fs.existsSync(path.join(root, '.git'));
    if (!hadGit) assert.equal(git('init', '-q').status, 0);
    const yaml = path.join(dir(), 'compose.yaml');
    fs.writeFileSync(yaml, `services:\n  api:\n    environment:\n      TOKEN: ${VALUE}\n`);
    fs.writeFileSync(path.join(dir(), '.gitignore'), 'ignored.txt\n');
    fs.writeFileSync(path.join(dir(), 'ignored.txt'), VALUE);
    try {
      const { result, prompter } = await withAnswers([], () =>
        Promise.resolve(vscode.commands.executeCommand<number>('kagi.scanWorkspace')),
      );
      assert.ok(typeof result === 'number' && result >= 1, `scan found ${result}`);
      const [d] = kagiDiagnostics(vscode.Uri.file(yaml));
      assert.ok(d, 'no diagnostic for compose.yaml');
      assert.deepEqual([d.range.start.line, d.range.start.character], [3, 13]);
      assert.equal(kagiDiagnostics(vscode.Uri.file(path.join(dir(), 'ignored.txt'))).length, 0);
      assert.match(prompter.infos.join('\n'), /vault value\(s\) found in plain text/);
      assert.ok(!prompter.shown.some((t) => t.includes(VALUE)));
    } finally {
      if (!hadGit) fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
    }
  });
});
