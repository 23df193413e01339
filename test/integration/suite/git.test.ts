import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture, kagi, registerCanary, workspaceFolder } from '../helpers';
import { assertNoValues, withAnswers } from '../scriptedPrompter';
import type { NodeRef } from '../../../src/extension/treeModel';

const root = () => workspaceFolder()!;
const GIT_CANARY = 'git-canary-5d1c-NEVER-SHOWN';

function git(...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd: root(),
    encoding: 'utf8',
    env: {
      ...process.env,
      ELECTRON_RUN_AS_NODE: '1',
      GIT_AUTHOR_NAME: 'Ida Integration',
      GIT_AUTHOR_EMAIL: 'ida@example.com',
      GIT_COMMITTER_NAME: 'Ida Integration',
      GIT_COMMITTER_EMAIL: 'ida@example.com',
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const set = (key: string, value: string) => kagi(['set', 'api', 'development', key, '--stdin'], { input: value });
const get = (key: string) => kagi(['get', 'api', 'development', key, '--yes']).trim();
const ref = (scope: string, key?: string): NodeRef => ({ vault: root(), scope, ...(key ? { key } : {}) });

// The fixture's folder becomes a Git repository for this file only; the other files never see it.
describe('Git integration (editor)', function () {
  this.timeout(120_000);
  const fx = fixture();

  before(() => {
    assert.ok(fx.vault, `the harness fixture has no vault: ${fx.vaultError}`);
    for (const v of [GIT_CANARY, `${GIT_CANARY}-ours`, `${GIT_CANARY}-theirs`, `${GIT_CANARY}-2`]) registerCanary(v);
    git('init', '-q', '-b', 'main');
    set('GIT_KEY', GIT_CANARY);
    git('add', '-A');
    git('commit', '-q', '-m', 'vault');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Leave the folder as the other files expect it: no repository, no test keys.
    kagi(['unset', 'api', 'development', 'GIT_KEY', '--yes']);
    kagi(['unset', 'api', 'development', 'GIT_NEW', '--yes']);
    fs.rmSync(path.join(root(), '.git'), { recursive: true, force: true });
    fs.rmSync(path.join(root(), '.gitattributes'), { force: true });
  });

  it('Set Up Git Integration writes the attribute lines and the drivers', async () => {
    const message = await vscode.commands.executeCommand<string>('kagi.setUpGitIntegration', { vault: root() });
    assert.match(message ?? '', /Git integration set up/);
    assert.match(
      fs.readFileSync(path.join(root(), '.gitattributes'), 'utf8'),
      /^\.kagi\/secrets\/\*\*\/\*\.enc diff=kagi merge=kagi-store$/m,
    );
    assert.match(git('config', '--get', 'diff.kagi.textconv'), /kagi-git' git textconv/);
    git('add', '-A');
    git('commit', '-q', '-m', 'git setup');
  });

  it('Open Changes shows the two renderings with key names and no value', async () => {
    set('GIT_KEY', `${GIT_CANARY}-2`);
    set('GIT_NEW', GIT_CANARY);
    const uris = await vscode.commands.executeCommand<vscode.Uri[]>('kagi.openStoreChanges', ref('api/development'));
    assert.equal(uris?.length, 2);
    const [left, right] = await Promise.all(
      uris!.map(async (u) => (await vscode.workspace.openTextDocument(u)).getText()),
    );
    assert.match(left!, /^GIT_KEY = fp:[0-9a-f]{16}$/m);
    assert.doesNotMatch(left!, /GIT_NEW/);
    assert.match(right!, /^GIT_NEW = fp:[0-9a-f]{16}$/m);
    assert.notEqual(/^GIT_KEY = (fp:\w+)$/m.exec(left!)![1], /^GIT_KEY = (fp:\w+)$/m.exec(right!)![1]);
    assertNoValues(
      [left, right],
      [GIT_CANARY, `${GIT_CANARY}-2`, ...fx.vault!.secrets.map((s) => s.value)],
      'the diff editor',
    );
    git('commit', '-q', '-a', '-m', 'second');
  });

  it('Show History lists the commits that changed a key', async () => {
    const text = await vscode.commands.executeCommand<string>('kagi.showHistory', ref('api/development', 'GIT_KEY'));
    assert.match(text ?? '', /second\n {2}api\/development\n {4}~ GIT_KEY/);
    assert.match(text ?? '', /vault\n {2}api\/development\n {4}\+ GIT_KEY/);
    assert.match(text ?? '', /Ida Integration/);
    assert.ok(!(text ?? '').includes(GIT_CANARY));
  });

  it('Resolve Conflict offers the sides per key and keeps the chosen one', async () => {
    git('checkout', '-q', '-b', 'side');
    set('GIT_KEY', `${GIT_CANARY}-theirs`);
    git('commit', '-q', '-a', '-m', 'theirs');
    git('checkout', '-q', 'main');
    set('GIT_KEY', `${GIT_CANARY}-ours`);
    git('commit', '-q', '-a', '-m', 'ours');
    const merge = spawnSync('git', ['merge', 'side', '-m', 'merge'], {
      cwd: root(),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      encoding: 'utf8',
    });
    assert.notEqual(merge.status, 0, 'the key changed on both sides conflicts');
    assert.equal(get('GIT_KEY'), `${GIT_CANARY}-ours`);
    const { result, prompter } = await withAnswers([{ pick: 'theirs' }], () =>
      Promise.resolve(vscode.commands.executeCommand<number>('kagi.resolveConflict', { vault: root() })),
    );
    assert.equal(result, 1);
    assert.equal(get('GIT_KEY'), `${GIT_CANARY}-theirs`);
    assertNoValues(prompter.shown, [`${GIT_CANARY}-ours`, `${GIT_CANARY}-theirs`], 'the resolve picks');
    git('add', '-A');
    git('commit', '-q', '-m', 'resolved');
  });
});
