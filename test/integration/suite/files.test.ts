// Encrypted files in a real extension host: added from the Explorer command, listed in the tree
// (name and size, never content), opened in a view that has no save path, restored to disk,
// removed; and a launch configuration that gets a file as a path that is gone after the session.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { kagi, registerCanary, waitFor, workspaceFolder } from '../helpers';
import { assertNoValues, withAnswers } from '../scriptedPrompter';
import { itemTexts, secretsTree, walkTree } from './treeHelpers';
import { api, fixtureToken, folder, outFile, readJsonWhenWritten } from './injectHelpers';

const hex = (n: number) => randomBytes(n).toString('hex');

async function fileRow(name: string) {
  const rows = await walkTree(await secretsTree());
  return rows.find((r) => r.node.kind === 'file' && r.node.label === name);
}

describe('encrypted files (kagi file) in the editor', function () {
  this.timeout(60000);
  before(() => fixtureToken('development'));

  it('adds a file from the Explorer, lists it, opens it read-only without a save path, restores and removes it', async () => {
    const root = workspaceFolder()!;
    const name = `sa-${hex(4)}.json`;
    const rel = `certs/${name}`;
    const file = path.join(root, 'certs', name);
    const content = `{"private_key":"pk-${hex(12)}"}\n`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);

    const added = await withAnswers(
      [{ pick: 'api/development' }],
      async () => await vscode.commands.executeCommand<boolean>('kagi.addFile', vscode.Uri.file(file)),
    );
    assert.equal(added.result, true, `add failed: ${added.prompter.errorMessages.join('; ')}`);
    assert.match(
      kagi(['file', 'list', 'api', 'development']),
      new RegExp(`repo:${rel} ${content.length} bytes ${name}`),
    );

    await waitFor(async () => !!(await fileRow(name)), { what: `${name} in the tree` });
    const row = (await fileRow(name))!;
    assert.equal(row.node.ref.scope, 'api/development');
    assert.equal(row.item.contextValue, 'kagi.file');
    assert.match(String(row.item.description), new RegExp(`${content.length} B · repo:${rel.replace('.', '\\.')}`));
    assertNoValues(itemTexts(row.item), [content.trim(), 'pk-'], 'the tree');

    const opened = await withAnswers(
      [{ confirm: 'Show' }],
      async () => await vscode.commands.executeCommand<boolean>('kagi.openFile', row.node),
    );
    assert.equal(opened.result, true, opened.prompter.errorMessages.join('; '));
    const shown = (await api()).files.shown().find((s) => s.title === `${name} (api/development)`);
    assert.ok(shown, 'no view shows the file');
    assert.deepEqual([shown.kind, shown.text], ['text', content]);
    // No text document holds the content, so File > Save As has nothing to write to disk.
    assert.ok(
      !vscode.workspace.textDocuments.some((d) => d.getText().includes('pk-')),
      'a text document holds the content',
    );
    const tabOf = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === `${name} (api/development)`);
    // The content is in a webview panel: no resource, so neither Save nor Save As.
    await waitFor(() => tabOf()?.input instanceof vscode.TabInputWebview, { what: 'the file view tab' });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    fs.rmSync(file);
    const restored = await withAnswers(
      [{ input: rel }, { confirm: 'Restore' }],
      async () => await vscode.commands.executeCommand<boolean>('kagi.restoreFile', row.node),
    );
    assert.equal(restored.result, true, restored.prompter.errorMessages.join('; '));
    assert.equal(fs.readFileSync(file, 'utf8'), content);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);

    const removed = await withAnswers(
      [{ confirm: 'Remove' }],
      async () => await vscode.commands.executeCommand<boolean>('kagi.removeFile', row.node),
    );
    assert.equal(removed.result, true, removed.prompter.errorMessages.join('; '));
    await waitFor(async () => !(await fileRow(name)), { what: `${name} to leave the tree` });
    assert.doesNotMatch(kagi(['file', 'list', '--all']), new RegExp(name.replace('.', '\\.')));
    fs.rmSync(file);
  });

  it('opens a binary file as its size and type only', async () => {
    const root = workspaceFolder()!;
    const name = `logo-${hex(4)}.png`;
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
    fs.writeFileSync(path.join(root, name), bytes);
    kagi(['file', 'add', 'api', 'development', name]);
    await vscode.commands.executeCommand('kagi.refresh');
    await waitFor(async () => !!(await fileRow(name)), { what: `${name} in the tree` });
    const row = (await fileRow(name))!;
    await withAnswers(
      [{ confirm: 'Show' }],
      async () => await vscode.commands.executeCommand('kagi.openFile', row.node),
    );
    const shown = (await api()).files.shown().find((s) => s.title.startsWith(name));
    assert.deepEqual(shown && [shown.kind, shown.size, shown.type, shown.text], [
      'binary',
      bytes.length,
      'PNG image',
      undefined,
    ]);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    kagi(['file', 'remove', '--force', 'api', 'development', name]);
    fs.rmSync(path.join(root, name));
  });

  it('a launch configuration gets a file as a path that is removed when the session ends', async () => {
    assert.ok(vscode.extensions.getExtension('ms-vscode.js-debug'), 'the builtin ms-vscode.js-debug is missing');
    const root = workspaceFolder()!;
    const name = `cred-${hex(4)}.json`;
    const secret = `launch-file-${hex(12)}`;
    registerCanary(secret);
    fs.writeFileSync(path.join(root, name), secret);
    kagi(['file', 'add', 'api', 'development', name]);
    fs.rmSync(path.join(root, name));

    const program = path.join(root, '.kagi-it', 'file-probe.js');
    fs.mkdirSync(path.dirname(program), { recursive: true });
    fs.writeFileSync(
      program,
      `const fs=require('fs'),p=process.env.GCP_CRED;fs.writeFileSync(process.argv[2],JSON.stringify({p,mode:fs.statSync(p).mode&0o777,sha:require('crypto').createHash('sha256').update(fs.readFileSync(p)).digest('hex')}))`,
    );
    const out = outFile('launch-file');
    const config = {
      type: 'node',
      request: 'launch',
      name: `kagi file launch ${hex(3)}`,
      program,
      args: [out],
      kagi: { service: 'api', env: 'development', files: { GCP_CRED: name } },
    };
    let ended = false;
    const sub = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.name === config.name) ended = true;
    });
    try {
      assert.equal(await vscode.debug.startDebugging(folder(), config, { noDebug: true }), true);
      const seen = await readJsonWhenWritten<{ p: string; mode: number; sha: string }>(out);
      assert.equal(seen.sha, createHash('sha256').update(secret).digest('hex'));
      assert.equal(seen.mode, 0o600);
      await waitFor(() => ended, { timeoutMs: 30000, what: 'the debug session to end' });
      await waitFor(() => !fs.existsSync(seen.p), { what: 'the file path to be removed after the session' });
      assert.equal(fs.existsSync(path.dirname(seen.p)), false, 'the session folder is gone too');
      assert.equal((await api()).fileSessions.count, 0);
    } finally {
      sub.dispose();
      kagi(['file', 'remove', '--force', 'api', 'development', name]);
    }
  });
});
