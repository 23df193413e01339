// The Team view inside the real workbench (code-server + headless Chromium): a second device
// (its own KAGI_HOME, via the CLI) has requested access; the owner clicks Approve in the webview,
// reads the full recipient in the real modal, confirms; the view updates and the second device
// can then read the vault.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import {
  REPO_ROOT,
  clickModalButton,
  isRestrictedMode,
  modalText,
  runCommand,
  readmeScreenshot,
  screenshot,
  withSession,
  type SessionOptions,
} from './lib/workbench';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function cli(args: string[], cwd: string, home: string, user: string): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', KAGI_HOME: home, USER: user },
  });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function must(args: string[], cwd: string, home: string, user: string): string {
  const r = cli(args, cwd, home, user);
  if (r.code !== 0) throw new Error(`kagi ${args.join(' ')}: ${r.out}`);
  return r.out;
}

let bobHome = '';
let bobId = '';
const secret = {
  service: 'api',
  env: 'development',
  key: 'API_TOKEN',
  value: `kagi-canary-team-${randomBytes(9).toString('base64url')}`,
};

const fixture: SessionOptions['fixture'] = (dirs) => {
  fs.mkdirSync(dirs.kagiHome, { recursive: true });
  must(['init', '--envs', 'development'], dirs.workspace, dirs.kagiHome, 'alice');
  must(['set', secret.service, secret.env, secret.key, secret.value], dirs.workspace, dirs.kagiHome, 'alice');
  bobHome = path.join(dirs.root, 'kagi-home-bob');
  fs.mkdirSync(bobHome, { recursive: true });
  const out = must(['member', 'request', '--name', 'bob'], dirs.workspace, bobHome, 'bob');
  bobId = /kgm_[A-Za-z0-9_-]+/.exec(out)?.[0] ?? '';
  return { workspace: dirs.workspace, kagiHome: dirs.kagiHome, vault: { envs: ['development'], secrets: [secret] } };
};

/** The team webview's document: VS Code nests it in two iframes. */
function teamFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

describe('Team view in the workbench', function () {
  this.timeout(120000);
  const session = withSession({ fixture });

  it('approve a pending request from the webview through the real modal', async () => {
    const { page, dirs } = session();
    assert.ok(bobId, 'the fixture has no pending request');
    const access = () =>
      JSON.parse(fs.readFileSync(path.join(dirs.workspace, '.kagi', 'access.json'), 'utf8')) as {
        members: Array<{ member_id: string; recipient: string; status: string }>;
      };
    const recipient = access().members.find((m) => m.member_id === bobId)!.recipient;

    await session().waitForActivation(60000);
    await runCommand(page, 'Kagi: Show Team Access');
    const frame = teamFrame(page);
    const row = frame.locator(`[data-member="${bobId}"]`);
    await row.waitFor({ state: 'visible', timeout: 30000 });
    assert.match(await row.innerText(), /pending/);
    await screenshot(page, 'team-view-pending');

    const approve = row.getByRole('button', { name: 'Approve' });
    assert.equal(await approve.evaluate((e) => e.tagName), 'VSCODE-BUTTON', 'a hand-made button');
    assert.equal(await approve.getAttribute('aria-disabled'), null, 'the owner cannot approve');
    const status = frame.locator(`[data-member="${bobId}"] vscode-badge.status`);
    assert.equal(await status.textContent(), 'pending');
    await approve.click();
    await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 15000 });
    const text = (await modalText(page)) ?? '';
    assert.ok(text.includes(recipient), 'the modal does not show the full recipient');
    await screenshot(page, 'team-view-approve-modal');
    await readmeScreenshot(page, 'team-approve');
    await clickModalButton(page, 'Approve');

    await status.waitFor({ state: 'detached', timeout: 15000 });
    assert.equal(access().members.find((m) => m.member_id === bobId)?.status, 'active');
    await screenshot(page, 'team-view-approved');

    const asBob = cli(['get', secret.service, secret.env, '--show', '--yes'], dirs.workspace, bobHome, 'bob');
    assert.equal(asBob.code, 0, `bob cannot read after approval: ${asBob.out.split('\n')[0]}`);
    assert.ok(asBob.out.includes(secret.value));
  });
});

describe('Team view in Restricted Mode', function () {
  this.timeout(120000);
  const session = withSession({ trust: true });

  it('renders a message and no actions', async function () {
    const { page } = session();
    await page.locator('.part.sidebar, .part.editor').first().waitFor({ state: 'visible' });
    await session().waitForActivation(60000);
    // Without Restricted Mode the check would prove nothing.
    await page
      .locator('.part.statusbar', { hasText: 'Restricted Mode' })
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
    assert.ok(await isRestrictedMode(page));
    await runCommand(page, 'Kagi: Show Team Access');
    const frame = teamFrame(page);
    const notice = frame.locator('.notice.untrusted');
    await notice.waitFor({ state: 'visible', timeout: 30000 });
    assert.match(await notice.innerText(), /Restricted Mode/);
    assert.equal(await frame.locator('vscode-button, button').count(), 0, 'actions are offered in Restricted Mode');
    assert.equal(await frame.locator('[data-member]').count(), 0, 'members are listed in Restricted Mode');
    await screenshot(page, 'team-view-restricted');
  });
});
