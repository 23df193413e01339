import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Project } from '../../../src/vault/project/project';
import { readScopes } from '../../../src/vault/usecases/secrets';
import { parseDotenv } from '../../../src/vault';
import { fixture, registerCanary, workspaceFolder } from '../helpers';
import { assertNoValues, withAnswers } from '../scriptedPrompter';
import type { ImportPlan } from '../../../src/vault';

const root = () => workspaceFolder()!;
const project = () => Project.open(root(), { env: process.env });

async function values(scope: string): Promise<Record<string, string>> {
  const store = (await readScopes(project(), [scope])).get(scope)!;
  return Object.fromEntries([...store.secrets.values()].map((s) => [s.key, s.value]));
}

describe('.env import and export', () => {
  const stamp = Date.now();
  const first = { A_KEY: `kagi-canary-import-a-${stamp}`, B_KEY: `kagi-canary-import-b-${stamp}` };
  const changed = `kagi-canary-import-a2-${stamp}`;
  const dotenv = () => path.join(root(), '.env.preview');
  const write = (text: string) => fs.writeFileSync(dotenv(), text, { mode: 0o600 });

  before(() => {
    assert.ok(fixture().vault, 'the harness fixture has no vault');
    [...Object.values(first), changed].forEach(registerCanary);
  });
  // Leave the shared fixture as found: a second service would make other suites' "active scope" ambiguous.
  after(async () => {
    fs.rmSync(dotenv(), { force: true });
    const p = project();
    await p.mutate(async (tx) => {
      for (const scope of p.scopes(tx.config).filter((s) => s.startsWith('web/'))) tx.remove(scope);
    });
    await vscode.commands.executeCommand('kagi.refresh');
  });

  it('imports new keys into the chosen scope, previewing key names only', async () => {
    write(`# first key\nA_KEY=${first.A_KEY}\nB_KEY=${first.B_KEY}\n`);
    const { result, prompter } = await withAnswers(
      [{ pick: '/other' }, { input: 'web/preview' }, { pick: 'all' }],
      () => Promise.resolve(vscode.commands.executeCommand<ImportPlan>('kagi.importDotenv', vscode.Uri.file(dotenv()))),
    );
    assert.deepEqual(result?.added.sort(), ['A_KEY', 'B_KEY']);
    assert.deepEqual(await values('web/preview'), first);
    assert.ok(
      prompter.shown.some((t) => t.includes('New: A_KEY, B_KEY')),
      'the preview does not list the new keys',
    );
    assertNoValues(prompter.shown, Object.values(first), 'the import preview');
  });

  it('says which names it keeps as written where Set Secret would normalize them (issue 18)', async () => {
    const odd = `kagi-canary-import-odd-${stamp}`;
    registerCanary(odd);
    write(`BAD-KEY=${odd}\nlower_key=${odd}\nGOOD_KEY=${odd}\n`);
    const { result, prompter } = await withAnswers([{ pick: 'web/preview' }, { pick: 'all' }], () =>
      Promise.resolve(vscode.commands.executeCommand<ImportPlan>('kagi.importDotenv', vscode.Uri.file(dotenv()))),
    );
    assert.deepEqual(result?.added.sort(), ['BAD-KEY', 'GOOD_KEY', 'lower_key']);
    assert.ok(
      prompter.shown.some((t) => t.includes('Kept as written (Set Secret would normalize): BAD-KEY, lower_key')),
      `no word about the names kept as written: ${prompter.shown.join(' | ')}`,
    );
    assertNoValues(prompter.shown, [odd], 'the import preview');
    await project().mutate(async (tx) => {
      const store = await tx.read('web/preview');
      for (const k of ['BAD-KEY', 'lower_key', 'GOOD_KEY']) store.secrets.delete(k);
      await tx.write('web/preview', store);
    });
  });

  it('asks before overwriting and writes nothing when the overwrite is declined', async () => {
    write(`A_KEY=${changed}\nB_KEY=${first.B_KEY}\nC_KEY=c\n`);
    const { prompter } = await withAnswers([{ pick: 'web/preview' }, { pick: 'all' }, { confirm: undefined }], () =>
      Promise.resolve(vscode.commands.executeCommand('kagi.importDotenv', vscode.Uri.file(dotenv()))),
    );
    assert.ok(
      prompter.shown.some((t) => /Overwrite: A_KEY/.test(t)),
      'the preview does not name the overwritten key',
    );
    assert.ok(
      prompter.shown.some((t) => /Overwrite 1 existing key in web\/preview/.test(t)),
      'no overwrite modal',
    );
    assert.deepEqual(await values('web/preview'), first);
    assertNoValues(prompter.shown, [changed, ...Object.values(first)], 'the overwrite preview');
  });

  it('imports only the new keys when asked to keep existing ones', async () => {
    await withAnswers([{ pick: 'web/preview' }, { pick: 'new' }], () =>
      Promise.resolve(vscode.commands.executeCommand('kagi.importDotenv', vscode.Uri.file(dotenv()))),
    );
    assert.deepEqual(await values('web/preview'), { ...first, C_KEY: 'c' });
  });

  it('overwrites after confirmation', async () => {
    await withAnswers([{ pick: 'web/preview' }, { pick: 'all' }, { confirm: 'Overwrite' }], () =>
      Promise.resolve(vscode.commands.executeCommand('kagi.importDotenv', vscode.Uri.file(dotenv()))),
    );
    assert.equal((await values('web/preview')).A_KEY, changed);
  });

  it('exports an environment from the tree to a 0600 .env file that round-trips', async () => {
    const file = path.join(root(), '.env.development');
    fs.rmSync(file, { force: true });
    const { result } = await withAnswers([{ confirm: 'Export' }], () =>
      Promise.resolve(
        vscode.commands.executeCommand<{ file: string; gitignore: string }>('kagi.exportDotenv', {
          vault: project().root,
          scope: 'api/development',
        }),
      ),
    );
    assert.equal(result?.file, file);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const parsed = Object.fromEntries(
      parseDotenv(fs.readFileSync(file, 'utf8'), '.env.development').map((e) => [e.key, e.value]),
    );
    assert.deepEqual(parsed, await values('api/development'));
    fs.rmSync(file, { force: true });
  });

  it('exports from an explorer folder into that folder, and nothing when cancelled', async () => {
    const dir = path.join(root(), 'export-here');
    fs.mkdirSync(dir, { recursive: true });
    await withAnswers([{ pick: 'web/preview' }, { confirm: undefined }], () =>
      Promise.resolve(vscode.commands.executeCommand('kagi.exportDotenv', vscode.Uri.file(dir))),
    );
    assert.ok(!fs.existsSync(path.join(dir, '.env.preview')), 'a cancelled export wrote a file');
    await withAnswers([{ pick: 'web/preview' }, { confirm: 'Export' }], () =>
      Promise.resolve(vscode.commands.executeCommand('kagi.exportDotenv', vscode.Uri.file(dir))),
    );
    const file = path.join(dir, '.env.preview');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(parseDotenv(fs.readFileSync(file, 'utf8'), '.env.preview').length, 3);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
