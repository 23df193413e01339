// A new user's first day (issue 18) in the real workbench: the Getting Started walkthrough on a
// fresh profile, and `npm start -- --restricted` really opening the demo in Restricted Mode.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openWorkbench } from '../../scripts/vscode/browser.mjs';
import { waitFor } from '../../scripts/vscode/poll.mjs';
import {
  isRestrictedMode,
  openKagiView,
  pageText,
  readmeScreenshot,
  REPO_ROOT,
  treeRows,
  withSession,
} from './lib/workbench';

describe('Getting Started on a fresh profile', function () {
  this.timeout(180000);
  // VS Code's own default: a fresh profile opens the Welcome page (the harness turns it off).
  const session = withSession({ settings: { 'workbench.startupEditor': 'welcomePage' } });

  it('lists the Kagi walkthrough, and it opens on its first step', async () => {
    const { page } = session();
    const entry = page.locator('.gettingStartedContainer button', { hasText: 'Get started with Kagi' }).first();
    await entry.waitFor({ state: 'visible', timeout: 60000 });
    await entry.click();
    const step = page.locator('.gettingStartedContainer', { hasText: 'Create or import a vault' }).first();
    await step.waitFor({ state: 'visible', timeout: 15000 });
    const text = await pageText(page);
    for (const title of ['Set a secret', 'Run or debug with secrets', 'Invite a teammate', 'Set up Git integration']) {
      assert.ok(text.includes(title), `the walkthrough lacks the step "${title}"`);
    }
    await readmeScreenshot(page, 'walkthrough');
  });
});

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `npm start -- --no-code --restricted` (scripts/start.mjs); resolves with the workbench URL it prints. */
async function startDemo(args: string[]): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['scripts/start.mjs', '--no-code', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, KAGI_START_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  let exited: number | null = null;
  proc.on('exit', (code) => (exited = code ?? -1));
  const url = await waitFor<string>(
    () => {
      if (exited !== null) throw new Error(`npm start exited (${exited}):\n${out.slice(-3000)}`);
      return /Kagi demo in code-server: (\S+)/.exec(out)?.[1] ?? '';
    },
    { timeoutMs: 150000, what: 'npm start to print the workbench URL' },
  );
  return { proc, url, output: () => out };
}

function stopDemo(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM'); // start.mjs stops its code-server on SIGTERM
  });
}

describe('npm start -- --restricted', function () {
  this.timeout(300000);
  let demo: Awaited<ReturnType<typeof startDemo>> | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    this.timeout(240000);
    demo = await startDemo(['--restricted']);
    browser = await launchChromium();
    ({ page } = await openWorkbench(browser, demo.url));
  });

  after(async function () {
    this.timeout(60000);
    await browser?.close();
    if (demo) await stopDemo(demo.proc);
  });

  it('says so, and the demo opens in Restricted Mode with the Kagi tree showing structure only', async () => {
    assert.match(demo!.output(), /Workspace Trust is on: the demo opens in Restricted Mode/);
    await page.locator('.part.statusbar', { hasText: 'Restricted Mode' }).waitFor({ timeout: 60000 });
    assert.ok(await isRestrictedMode(page), 'the workbench is not in Restricted Mode');
    await openKagiView(page, { timeoutMs: 60000 });
    const restricted = page.locator('.part.sidebar .pane-body .monaco-list-row', { hasText: 'Restricted Mode' });
    await restricted.first().waitFor({ state: 'visible', timeout: 60000 });
    const rows = await treeRows(page, { pane: 'Secrets' });
    assert.ok(
      rows.some((r) => r.text.startsWith('api')),
      `the demo's services are not listed: ${JSON.stringify(rows.map((r) => r.text))}`,
    );
    assert.ok(!rows.some((r) => /DATABASE_URL|STRIPE/.test(r.text)), 'key names are listed in Restricted Mode');
    await readmeScreenshot(page, 'restricted-mode');
  });
});
