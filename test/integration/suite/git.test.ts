import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture, kagi, registerCanary, waitFor, workspaceFolder } from '../helpers';
import { assertNoValues, ENTER, kagiApi, withAnswers } from '../scriptedPrompter';
import { Project } from '../../../src/vault/project/project';
import { signingKeyPath } from '../../../src/vault/device/dataDir';
import type { NodeRef, TreeNode } from '../../../src/extension/treeModel';
import { secretsTree } from './treeHelpers';

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
const SETUP = 'Set Up Git Integration';

/** The built-in Git extension's API, switched on for this file (the harness turns `git.enabled` off). */
async function builtInGit(): Promise<{ getRepository(uri: vscode.Uri): unknown }> {
  await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Global);
  const ext = vscode.extensions.getExtension<{ enabled: boolean; getAPI(v: 1): never }>('vscode.git');
  assert.ok(ext, 'the built-in Git extension is not installed in this host');
  const exports = ext.isActive ? ext.exports : await ext.activate();
  await waitFor(() => exports.enabled, { timeoutMs: 15000, what: 'the Git extension to be enabled' });
  return exports.getAPI(1);
}

/** The active editor is a diff of exactly these two documents. */
function assertDiffEditorOf(uris: vscode.Uri[]): void {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  assert.ok(input instanceof vscode.TabInputTextDiff, 'the active editor is not a diff editor');
  assert.equal(input.original.toString(), uris[0]!.toString());
  assert.equal(input.modified.toString(), uris[1]!.toString());
}

/** The tree's node for a key, through the real provider. */
async function keyNode(scope: string, key: string): Promise<TreeNode> {
  const tree = await secretsTree();
  const find = async (nodes: TreeNode[]): Promise<TreeNode | undefined> => {
    for (const n of nodes) {
      if (n.kind === 'key' && n.ref.scope === scope && n.ref.key === key) return n;
      const hit = await find(await tree.getChildren(n));
      if (hit) return hit;
    }
    return undefined;
  };
  const node = await find(await tree.getChildren());
  assert.ok(node, `no tree node for ${key} in ${scope}`);
  return node;
}

/** The key's tooltip as VS Code asks for it on hover: empty in getTreeItem, filled by resolveTreeItem. */
async function hoverTooltip(scope: string, key: string): Promise<string> {
  const tree = await secretsTree();
  const node = await keyNode(scope, key);
  const item = tree.getTreeItem(node);
  assert.equal(item.tooltip, undefined, 'the key tooltip must be resolved lazily, not while listing');
  const resolved = await tree.resolveTreeItem(item, node);
  const tooltip = resolved?.tooltip;
  return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
}

// The fixture's folder becomes a Git repository for this file only; the other files never see it.
describe('Git integration (editor)', function () {
  this.timeout(120_000);
  const fx = fixture();
  let vaultCommit = '';

  before(() => {
    assert.ok(fx.vault, `the harness fixture has no vault: ${fx.vaultError}`);
    for (const v of [GIT_CANARY, `${GIT_CANARY}-ours`, `${GIT_CANARY}-theirs`, `${GIT_CANARY}-2`]) registerCanary(v);
    git('init', '-q', '-b', 'main');
    set('GIT_KEY', GIT_CANARY);
    git('add', '-A');
    git('commit', '-q', '-m', 'vault');
    vaultCommit = git('rev-parse', 'HEAD').trim();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Leave the folder as the other files expect it: no repository, no test keys.
    kagi(['unset', 'api', 'development', 'GIT_KEY', '--yes']);
    kagi(['unset', 'api', 'development', 'GIT_NEW', '--yes']);
    fs.rmSync(path.join(root(), '.git'), { recursive: true, force: true });
    fs.rmSync(path.join(root(), '.gitattributes'), { force: true });
    await vscode.workspace.getConfiguration('git').update('enabled', false, vscode.ConfigurationTarget.Global);
  });

  it('Initialize Vault in a Git repository offers the setup; declining writes no Git file', async () => {
    const kagiDir = path.join(root(), '.kagi');
    const away = `${kagiDir}-away-git-init`;
    const gitignore = path.join(root(), '.gitignore');
    const gitignoreBefore = fs.existsSync(gitignore) ? fs.readFileSync(gitignore, 'utf8') : undefined;
    const newOwners: string[] = [];
    const initOnce = async (answer: string | undefined) => {
      const { result, prompter } = await withAnswers([{ input: 'development' }, { confirm: answer }], () =>
        Promise.resolve(vscode.commands.executeCommand<boolean>('kagi.init')),
      );
      const made = Project.open(root(), { env: process.env });
      newOwners.push(...made.access().members.map((m) => signingKeyPath(made.dataDir, m.memberId)));
      fs.rmSync(kagiDir, { recursive: true, force: true });
      return { result, prompter };
    };
    fs.renameSync(kagiDir, away);
    try {
      const declined = await initOnce(undefined);
      assert.equal(declined.result, true);
      assert.ok(
        declined.prompter.asked.includes(
          'confirm: This folder is a Git repository. Set up Git integration for the vault?',
        ),
      );
      assert.ok(!fs.existsSync(path.join(root(), '.gitattributes')), 'declining wrote .gitattributes');
      assert.equal(spawnSync('git', ['config', '--get', 'diff.kagi.textconv'], { cwd: root() }).status, 1);

      const accepted = await initOnce(SETUP);
      assert.equal(accepted.result, true);
      assert.match(
        fs.readFileSync(path.join(root(), '.gitattributes'), 'utf8'),
        /^\.kagi\/secrets\/\*\*\/\*\.enc diff=kagi merge=kagi-store$/m,
      );
      assert.match(git('config', '--get', 'diff.kagi.textconv'), /kagi-git' git textconv/);
      assert.ok(
        accepted.prompter.infos.some((m) => /Git integration set up/.test(m)),
        accepted.prompter.infos.join(' | '),
      );
    } finally {
      fs.rmSync(kagiDir, { recursive: true, force: true });
      fs.renameSync(away, kagiDir);
      for (const f of newOwners) fs.rmSync(f, { force: true });
      if (gitignoreBefore === undefined) fs.rmSync(gitignore, { force: true });
      else fs.writeFileSync(gitignore, gitignoreBefore);
      // The next test sets it up from the command: start from nothing.
      kagi(['git', 'setup', '--remove']);
      const api = await kagiApi();
      await vscode.commands.executeCommand('kagi.refresh');
      await waitFor(async () => api.vaults().length === 1 && (await api.listing(api.vaults()[0]!)).keys !== undefined, {
        timeoutMs: 15000,
        what: 'the fixture vault to come back',
      });
    }
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
    // Git runs the launcher, and the launcher the installed extension's own CLI: the harness
    // installs what the VSIX ships, so a CLI left out of it fails here.
    const launcher = /^'([^']+)'/.exec(git('config', '--get', 'diff.kagi.textconv'))![1]!;
    const extensionPath = vscode.extensions.getExtension('kagi-vault.kagi-vscode')!.extensionPath;
    assert.ok(fs.readFileSync(launcher, 'utf8').includes(path.join(extensionPath, 'dist', 'cli.js')));
    assert.match(git('show', '--textconv', 'HEAD:.kagi/secrets/api/development.enc'), /^\w+ = fp:[0-9a-f]{16}$/m);
  });

  it('Open Changes shows the two renderings with key names and no value', async () => {
    set('GIT_KEY', `${GIT_CANARY}-2`);
    set('GIT_NEW', GIT_CANARY);
    const { result: uris, prompter } = await withAnswers([{ pick: ENTER }], () =>
      Promise.resolve(vscode.commands.executeCommand<vscode.Uri[]>('kagi.openStoreChanges', ref('api/development'))),
    );
    assert.ok(prompter.shown.includes('Working Tree ↔ HEAD'), 'the first choice is the working tree against HEAD');
    assert.equal(uris?.length, 2);
    assertDiffEditorOf(uris!);
    assert.equal(new URLSearchParams(uris![0]!.query).get('rev'), 'HEAD');
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

  it('the key tooltip says when the key last changed and by whom, or that it is not committed', async () => {
    const second = git('rev-parse', 'HEAD').trim();
    const committed = await hoverTooltip('api/development', 'GIT_KEY');
    assert.match(committed, /^GIT_KEY in api\/development$/m);
    assert.match(committed, /^Last changed .+ \(\d{4}-\d\d-\d\dT[^)]+\) by Ida Integration in ([0-9a-f]{8}): second$/m);
    assert.equal(/ in ([0-9a-f]{8}): second$/m.exec(committed)![1], second.slice(0, 8));
    set('GIT_KEY', `${GIT_CANARY}-2b`);
    registerCanary(`${GIT_CANARY}-2b`);
    const uncommitted = await hoverTooltip('api/development', 'GIT_KEY');
    assert.match(uncommitted, /^Changed in the working tree \(not committed\)$/m);
    assertNoValues([committed, uncommitted], [GIT_CANARY, `${GIT_CANARY}-2`, `${GIT_CANARY}-2b`], 'the tooltip');
    set('GIT_KEY', `${GIT_CANARY}-2`);
  });

  it('Open Changes against an older revision: the Git extension names its blob, both sides show key names only', async () => {
    const gitApi = await builtInGit();
    await waitFor(() => !!gitApi.getRepository(vscode.Uri.file(path.join(root(), '.kagi'))), {
      timeoutMs: 20000,
      what: 'the Git extension to open the repository',
    });
    const { result: uris, prompter } = await withAnswers([{ pick: vaultCommit }], () =>
      Promise.resolve(vscode.commands.executeCommand<vscode.Uri[]>('kagi.openStoreChanges', ref('api/development'))),
    );
    assert.ok(
      prompter.shown.some((t) => t.startsWith(`${vaultCommit.slice(0, 8)} vault`)),
      `the pick lists the commit by short hash and summary: ${prompter.shown.join(' | ')}`,
    );
    assert.ok(
      prompter.shown.some((t) => /^Ida Integration, \d{4}-/.test(t)),
      'the pick shows author and date',
    );
    assert.equal(uris?.length, 2);
    assertDiffEditorOf(uris!);
    const query = new URLSearchParams(uris![0]!.query);
    assert.equal(query.get('via'), 'git-extension', `the revision was not resolved by the Git extension: ${uris![0]}`);
    assert.equal(query.get('rev'), vaultCommit);
    const [left, right] = await Promise.all(
      uris!.map(async (u) => (await vscode.workspace.openTextDocument(u)).getText()),
    );
    assert.match(left!, /^GIT_KEY = fp:[0-9a-f]{16}$/m);
    assert.match(left!, /^API_TOKEN = fp:[0-9a-f]{16}$/m);
    assert.doesNotMatch(left!, /GIT_NEW/);
    assert.match(right!, /^GIT_NEW = fp:[0-9a-f]{16}$/m);
    assert.notEqual(/^GIT_KEY = (fp:\w+)$/m.exec(left!)![1], /^GIT_KEY = (fp:\w+)$/m.exec(right!)![1]);
    assertNoValues(
      [left, right, ...prompter.shown],
      [GIT_CANARY, `${GIT_CANARY}-2`, ...fx.vault!.secrets.map((s) => s.value)],
      'the revision diff',
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
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
