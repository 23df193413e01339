// The environment matrix inside the real workbench (code-server + headless Chromium): the panel
// shows letters and gaps, never a value; selecting a gap offers "Copy from…", which goes through
// the real modal and fills the gap. The controls are @vscode-elements/elements (vscode-table,
// vscode-button, vscode-badge) styled under the page's CSP: no violation is reported, and the
// buttons' shadow roots carry their constructed stylesheets. Screenshots: test-results/ui/compare-*.png.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT,
  clickModalButton,
  pageText,
  runCommand,
  readmeScreenshot,
  screenshot,
  webviewFrame,
  withSession,
  type SessionOptions,
} from './lib/workbench';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const canary = (name: string) => `kagi-canary-${name}-${randomBytes(9).toString('base64url')}`;
const secrets = [
  { service: 'api', env: 'development', key: 'API_TOKEN', value: canary('dev') },
  { service: 'api', env: 'production', key: 'API_TOKEN', value: canary('prod') },
  { service: 'api', env: 'development', key: 'ONLY_DEV', value: canary('only') },
];

function must(args: string[], cwd: string, home: string): void {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', KAGI_HOME: home, USER: 'alice' },
  });
  if (r.status !== 0) throw new Error(`kagi ${args[0]}: ${r.stderr}`);
}

const fixture: SessionOptions['fixture'] = (dirs) => {
  fs.mkdirSync(dirs.kagiHome, { recursive: true });
  must(['init', '--envs', 'development,production', '--no-migrate'], dirs.workspace, dirs.kagiHome);
  for (const s of secrets) must(['set', s.service, s.env, s.key, s.value], dirs.workspace, dirs.kagiHome);
  return {
    workspace: dirs.workspace,
    kagiHome: dirs.kagiHome,
    vault: { envs: ['development', 'production'], secrets },
  };
};

describe('Compare Environments in the workbench', function () {
  this.timeout(120000);
  const session = withSession({ fixture });

  it('shows the matrix with a gap, and fills it by copying after the modal', async () => {
    const { page } = session();
    const cspReports: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspReports.push(`${m.location().url}: ${m.text()}`);
    });
    await session().waitForActivation(60000);
    await runCommand(page, 'Kagi: Compare Environments');
    const f = webviewFrame(page);
    const gap = f.getByRole('button', { name: 'ONLY_DEV in production: missing' });
    await gap.waitFor({ state: 'visible', timeout: 30000 });
    assert.equal(await f.getByRole('button', { name: 'API_TOKEN in production: value B' }).count(), 1);
    // the workbench's controls, not hand-made ones, and their styles applied under the CSP
    assert.equal(await gap.evaluate((e) => e.tagName), 'VSCODE-BUTTON');
    assert.equal(await f.locator('vscode-table vscode-table-row').count(), 2);
    assert.equal(await f.locator('button, table, select').count(), 0, 'a hand-made control in the page');
    assert.deepEqual(await f.locator('vscode-table-header-cell vscode-badge').allTextContents(), ['2', '1']);
    const styled = await gap.evaluate((e) => ({
      sheets: e.shadowRoot?.adoptedStyleSheets.length ?? 0,
      display: getComputedStyle(e.shadowRoot!.querySelector('.base')!).display,
    }));
    assert.ok(styled.sheets > 0, 'the button has no constructed stylesheet');
    assert.equal(styled.display, 'flex', "the button's own styles were not applied");
    await screenshot(page, 'compare-matrix');
    await readmeScreenshot(page, 'compare-matrix');
    // keyboard: the cell takes focus and Enter selects it
    await gap.focus();
    await gap.press('Enter');
    await f.getByRole('button', { name: 'ONLY_DEV in production: missing', pressed: true }).waitFor({ timeout: 5000 });
    await f.getByRole('button', { name: 'Copy from development…' }).click();
    await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 15000 });
    await screenshot(page, 'compare-copy-modal');
    await clickModalButton(page, 'Copy');
    await f.getByRole('button', { name: 'ONLY_DEV in production: value A' }).waitFor({ timeout: 15000 });
    await screenshot(page, 'compare-filled');
    const text = await pageText(page);
    for (const s of secrets) assert.ok(!text.includes(s.value), 'a value is visible in the workbench');
    // none at all: the workbench itself reports none either, so any report is the page's
    assert.deepEqual(cspReports, [], 'a Content-Security-Policy report while the matrix was open');
  });
});
