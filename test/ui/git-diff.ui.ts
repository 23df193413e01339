// The diff editor of an encrypted store in the real workbench (code-server + headless Chromium):
// "Open Changes (Keys Only)" from the tree's environment menu shows key names and fingerprints,
// never a value. Screenshot: git-diff.png in the UI checks' screenshot folder.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT,
  answerQuickInput,
  openKagiView,
  pageText,
  readmeScreenshot,
  runContextMenuItem,
  screenshot,
  withSession,
  type SessionOptions,
} from './lib/workbench';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const canary = (name: string) => `kagi-canary-git-${name}-${randomBytes(9).toString('base64url')}`;
const committed = [
  { service: 'api', env: 'development', key: 'API_TOKEN', value: canary('token') },
  { service: 'api', env: 'development', key: 'DATABASE_URL', value: canary('db') },
];
const uncommitted = [
  { service: 'api', env: 'development', key: 'API_TOKEN', value: canary('token2') },
  { service: 'api', env: 'development', key: 'STRIPE_KEY', value: canary('stripe') },
];

function run(program: string, args: string[], cwd: string, home: string, input?: string): void {
  const r = spawnSync(program, args, {
    cwd,
    input,
    encoding: 'utf8',
    timeout: 60000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      KAGI_HOME: home,
      USER: 'alice',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Alice Author',
      GIT_AUTHOR_EMAIL: 'alice@example.com',
      GIT_COMMITTER_NAME: 'Alice Author',
      GIT_COMMITTER_EMAIL: 'alice@example.com',
    },
  });
  if (r.status !== 0) throw new Error(`${program} ${args[0]}: ${r.stderr}`);
}

const fixture: SessionOptions['fixture'] = (dirs) => {
  fs.mkdirSync(dirs.kagiHome, { recursive: true });
  const kagi = (...args: string[]) => run(process.execPath, [CLI, ...args], dirs.workspace, dirs.kagiHome);
  const git = (...args: string[]) => run('git', args, dirs.workspace, dirs.kagiHome);
  git('init', '-q', '-b', 'main');
  kagi('init', '--envs', 'development', '--no-migrate');
  const set = (s: (typeof committed)[number]) =>
    run(process.execPath, [CLI, 'set', s.service, s.env, s.key, '--stdin'], dirs.workspace, dirs.kagiHome, s.value);
  committed.forEach(set);
  git('add', '-A');
  git('commit', '-q', '-m', 'vault');
  uncommitted.forEach(set);
  return {
    workspace: dirs.workspace,
    kagiHome: dirs.kagiHome,
    vault: { envs: ['development'], secrets: [...committed, ...uncommitted] },
  };
};

describe('Open Changes of a store in the workbench', function () {
  this.timeout(180000);
  const session = withSession({ fixture });

  it('shows the diff editor with key names and fingerprints, and no value', async () => {
    const { page } = session();
    await openKagiView(page);
    await session().waitForActivation(60000);
    const env = page.locator('.part.sidebar .pane-body .monaco-list-row', { hasText: 'development' }).first();
    await env.waitFor({ state: 'visible', timeout: 30000 });
    // The pick of revisions (its first entry, Enter, is the working tree against HEAD) when the
    // store's history could be read; without one the command opens HEAD directly. The pick
    // itself is checked by the integration suite (git.test.ts); this check is about the editor.
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Working Tree' });
    const diff = page.locator('.monaco-diff-editor').first();
    await runContextMenuItem(page, env, 'Open Changes (Keys Only)', pick.first().or(diff), { openTimeoutMs: 30000 });
    if (await pick.first().isVisible()) await answerQuickInput(page);
    await diff.waitFor({ state: 'visible', timeout: 30000 });
    await page.waitForFunction(
      () => (document.querySelector('.monaco-diff-editor') as HTMLElement | null)?.innerText.includes('STRIPE_KEY'),
      undefined,
      { timeout: 30000 },
    );
    const text = (await diff.innerText()).replace(/\u00a0/g, ' ');
    for (const key of ['API_TOKEN', 'DATABASE_URL', 'STRIPE_KEY'])
      assert.ok(text.includes(key), `the diff editor does not name ${key}:\n${text}`);
    assert.match(text, /fp:[0-9a-f]{16}/);
    await screenshot(page, 'git-diff');
    await readmeScreenshot(page, 'git-diff');
    const everything = await pageText(page);
    for (const s of [...committed, ...uncommitted])
      assert.ok(!everything.includes(s.value) && !text.includes(s.value), 'a value is visible in the workbench');
  });
});
