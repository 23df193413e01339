// The Kagi view's welcome content (no `.kagi/` in the folder) offers "Initialize Vault" and
// "Import a .env File". With no vault, the import offers to initialize one first, then imports.
// The shared fixture always has a vault, so these tests move its `.kagi/` away and put it back
// afterwards (removing the vault they made). Trusted pass: the whole flow; Restricted Mode pass
// (vscode.workspace.isTrusted false): both welcome commands are refused and nothing is written.
//
// The welcome link runs `kagi.importDotenv` without an argument, which asks for the file in the
// native open dialog (not scriptable); here the file is passed as the explorer menu passes it,
// and everything after that is the same code path.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Project } from '../../../src/vault/project/project';
import { readScopes } from '../../../src/vault/usecases/secrets';
import { signingKeyPath } from '../../../src/vault/device/dataDir';
import { fixture, getExtension, registerCanary, settle, waitFor, watcherPasses, workspaceFolder } from '../helpers';
import { assertNoValues, kagiApi, withAnswers } from '../scriptedPrompter';
import { itemTexts, secretsTree, walkTree } from './treeHelpers';
import type { ImportPlan } from '../../../src/vault';

/** The links of the welcome content shown when the folder has no vault, in order. */
const WELCOME_COMMANDS = ['kagi.init', 'kagi.importDotenv'];
const OFFER = 'No kagi vault in this workspace yet';

const readIfExists = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

/** Puts a file back as it was (undefined: it did not exist). */
function restoreFile(file: string, text: string | undefined): void {
  if (text === undefined) fs.rmSync(file, { force: true });
  else fs.writeFileSync(file, text);
}

describe('welcome view: import a .env file with no vault yet', () => {
  const fx = fixture();
  const root = () => workspaceFolder()!;
  const kagiDir = () => path.join(root(), '.kagi');
  const tag = randomBytes(6).toString('hex');
  const away = () => `${kagiDir()}-away-welcome-${tag}`;
  const dotenvFile = () => path.join(root(), '.env');
  const gitignore = () => path.join(root(), '.gitignore');

  const pemLines = [`kagi-canary-welcome-pem1-${tag}`, `kagi-canary-welcome-pem2-${tag}`];
  const expected: Record<string, string> = {
    PLAIN_TOKEN: `kagi-canary-welcome-plain-${tag}`,
    QUOTED_VALUE: `kagi-canary-welcome-quoted-${tag} # not a comment`,
    PEM_KEY: ['-----BEGIN TEST KEY-----', ...pemLines, '-----END TEST KEY-----'].join('\n'),
  };
  const dotenvText = [
    '# written by the welcome-view test',
    `PLAIN_TOKEN=${expected.PLAIN_TOKEN}`,
    `QUOTED_VALUE="${expected.QUOTED_VALUE}"`,
    `PEM_KEY="${expected.PEM_KEY}"`,
    '',
  ].join('\n');
  /** Every string that must never be shown: the values and each line of the multi-line one. */
  const secrets = [...Object.values(expected), ...pemLines];
  const importFile = (answers: Parameters<typeof withAnswers>[0]) =>
    withAnswers(answers, () =>
      Promise.resolve(
        vscode.commands.executeCommand<ImportPlan | undefined>('kagi.importDotenv', vscode.Uri.file(dotenvFile())),
      ),
    );

  let gitignoreBefore: string | undefined;
  let dotenvBefore: string | undefined;
  let moved = false;

  before(async function () {
    this.timeout(30000);
    assert.ok(fx.vault, `the harness fixture has no vault: ${fx.vaultError}`);
    // Canaries are one per line: the multi-line value is registered by its distinctive lines.
    secrets.filter((s) => !s.includes('\n')).forEach(registerCanary);
    gitignoreBefore = readIfExists(gitignore());
    dotenvBefore = readIfExists(dotenvFile());
    const ctx = await kagiApi();
    const tree = await secretsTree();
    const passes = watcherPasses(ctx);
    // Earlier tests' late watcher passes must not stand in for the one that sees the move.
    await settle(passes, 'the .kagi/ watcher');
    const flushes = passes();
    fs.renameSync(kagiDir(), away());
    moved = true;
    fs.writeFileSync(dotenvFile(), dotenvText, { mode: 0o600 });
    assert.equal(ctx.vaults().length, 0, 'the extension still sees a vault after .kagi/ was moved away');
    await waitFor(async () => passes() > flushes && (await tree.roots()).length === 0, {
      timeoutMs: 15000,
      what: 'the watcher to take the moved vault out of the tree',
    });
  });

  after(async function () {
    this.timeout(30000);
    // The signing keys of the owners this suite's vault created live in the run's KAGI_HOME.
    const made =
      fs.existsSync(path.join(kagiDir(), 'kagi.json')) && moved
        ? Project.open(root(), { env: process.env })
        : undefined;
    const signingKeys = made ? made.access().members.map((m) => signingKeyPath(made.dataDir, m.memberId)) : [];
    if (moved) {
      fs.rmSync(kagiDir(), { recursive: true, force: true });
      fs.renameSync(away(), kagiDir());
    }
    for (const f of signingKeys) fs.rmSync(f, { force: true });
    restoreFile(dotenvFile(), dotenvBefore);
    restoreFile(gitignore(), gitignoreBefore);
    const ctx = await kagiApi();
    const tree = await secretsTree();
    // Re-read at once: a move out and back in can look unchanged to the watcher (same inodes).
    await vscode.commands.executeCommand('kagi.refresh');
    await waitFor(async () => ctx.vaults().length === 1 && (await tree.roots()).some((n) => n.label === 'api'), {
      timeoutMs: 15000,
      what: 'the fixture vault to come back in the tree',
    });
  });

  it('the welcome content links exactly the commands tested here, and they are registered', async () => {
    const contributed = getExtension().packageJSON.contributes.viewsWelcome as Array<{
      view: string;
      when?: string;
      contents: string;
    }>;
    const noVault = contributed.filter((w) => w.view === 'kagi.secrets' && /!kagi\.hasVault\b/.test(w.when ?? ''));
    assert.equal(
      noVault.length,
      1,
      `expected one "no vault" welcome entry for kagi.secrets: ${JSON.stringify(contributed)}`,
    );
    const links = [...noVault[0]!.contents.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.deepEqual(links, WELCOME_COMMANDS);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of links) assert.ok(registered.has(id!), `${id} (a welcome link) is not a registered command`);
  });

  it('declining the offer to initialize writes nothing', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    const { result, prompter } = await importFile([{ confirm: undefined }]);
    assert.equal(result, undefined);
    assert.deepEqual(prompter.asked, [`confirm: ${OFFER}`]);
    assert.ok(!fs.existsSync(kagiDir()), 'declining the offer created .kagi/');
    assert.ok(readIfExists(dotenvFile()) === dotenvText, 'the .env file changed'); // not equal(): a diff would print the values
    assert.equal(readIfExists(gitignore()), gitignoreBefore, '.gitignore changed');
    assertNoValues(prompter.shown, secrets, 'the offer to initialize');
  });

  it('cancelling the environments question writes nothing either', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    const { result, prompter } = await importFile([{ confirm: 'Initialize and Import' }, { input: undefined }]);
    assert.equal(result, undefined);
    assert.equal(prompter.asked.length, 2);
    assert.ok(!fs.existsSync(kagiDir()), 'a cancelled initialization created .kagi/');
    assert.equal(readIfExists(gitignore()), gitignoreBefore, '.gitignore changed');
  });

  it('initializes a vault, imports the file, lists the keys masked and stores the exact values', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    this.timeout(60000);
    const { result, prompter } = await importFile([
      { confirm: 'Initialize and Import' },
      { input: 'development, staging' },
      { pick: 'development' },
      { pick: 'all' },
    ]);
    assert.deepEqual(
      result?.added.slice().sort(),
      Object.keys(expected).sort(),
      `asked: ${prompter.asked.join(' | ')}`,
    );
    assert.ok(
      prompter.infos.some((m) => m.includes('vault created')),
      `no "vault created" message: ${prompter.infos.join(' | ')}`,
    );
    assert.ok(
      prompter.infos.some((m) => m.includes('imported 3 keys into development')),
      `no import message: ${prompter.infos.join(' | ')}`,
    );

    // A vault now exists, this device its only owner.
    const project = Project.open(root(), { env: process.env });
    assert.deepEqual(project.config().settings.envs, ['development', 'staging']);
    assert.deepEqual(
      project.access().members.map((m) => [m.role, m.status]),
      [['owner', 'active']],
    );
    assert.notEqual(
      fs.readFileSync(project.file('kagi.json'), 'utf8'),
      fs.readFileSync(path.join(away(), 'kagi.json'), 'utf8'),
      "the new kagi.json is the fixture's",
    );

    // The values decrypt to exactly what the file held (quotes removed, newlines kept).
    const store = (await readScopes(project, ['development'])).get('development');
    assert.ok(store, 'no development scope in the new vault');
    const stored = new Map([...store.secrets.values()].map((s) => [s.key, s.value]));
    assert.deepEqual([...stored.keys()].sort(), Object.keys(expected).sort());
    // Compared key by key so that a failure names keys, never prints values.
    const differ = Object.keys(expected).filter((k) => stored.get(k) !== expected[k]);
    assert.deepEqual(differ, [], 'these keys were not stored with exactly the value the file held');

    // The tree lists the keys, masked.
    const ctx = await kagiApi();
    assert.equal(ctx.vaults().length, 1);
    const tree = await secretsTree();
    const rows = await waitFor(
      async () => {
        const r = await walkTree(tree);
        const listed = r
          .filter((x) => x.node.kind === 'key' && x.node.ref.scope === 'development')
          .map((x) => x.node.label);
        return Object.keys(expected).every((k) => listed.includes(k)) ? r : undefined;
      },
      { timeoutMs: 15000, what: 'the imported keys to be listed under development' },
    );
    for (const key of Object.keys(expected)) {
      const row = rows!.find(
        (x) => x.node.kind === 'key' && x.node.ref.scope === 'development' && x.node.label === key,
      )!;
      // The mask, then the key's description (a comment above it in the file), never the value.
      const description = key === 'PLAIN_TOKEN' ? '••••••••  written by the welcome-view test' : '••••••••';
      assert.equal(row.item.description, description, `${key} is not shown masked`);
      assert.equal(row.item.contextValue, 'kagi.key');
    }
    assertNoValues(
      rows!.flatMap((r) => itemTexts(r.item)),
      secrets,
      'the tree',
    );
    assertNoValues([...prompter.shown, ...prompter.values], secrets, 'the questions and messages of the import');
  });

  it('untrusted: both welcome commands are refused without asking, and nothing is written', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    for (const id of WELCOME_COMMANDS) {
      const { result, prompter } = await withAnswers([], () =>
        Promise.resolve(vscode.commands.executeCommand(id, vscode.Uri.file(dotenvFile()))),
      );
      assert.equal(result, undefined, id);
      assert.deepEqual(prompter.shown, [], `${id} asked or showed something in Restricted Mode`);
      assert.equal(prompter.refusals.length, 1, `${id} was not refused once with the Restricted Mode notice`);
    }
    assert.ok(!fs.existsSync(kagiDir()), 'Restricted Mode created .kagi/');
    assert.equal(readIfExists(gitignore()), gitignoreBefore, '.gitignore changed');
  });
});
