// The README's everyday flows, run in the real workbench, each leaving a screenshot for the README
// (readmeScreenshot: docs/images/ under KAGI_UI_SCREENSHOTS=update, else a temp folder). The tree,
// reveal confirmation, team and compare shots come from secrets.ui.ts, team-webview-workbench.ui.ts
// and compare-webview.ui.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from '../../scripts/vscode/poll.mjs';
import {
  answerQuickInput,
  clickModalButton,
  openKagiView,
  pageText,
  readmeScreenshot,
  runCommand,
  treeRows,
  withSession,
} from './lib/workbench';

const NEW_VALUE = 'readme-flow-value-7f3a91c2';

async function waitForQuickPickRow(page: Page, text: string): Promise<void> {
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text })
    .first()
    .waitFor({ state: 'visible', timeout: 15000 });
}

describe('README flows', function () {
  this.timeout(180000);
  const session = withSession();

  it('set secret: pick the scope, name the key, type the hidden value; the tree lists it', async () => {
    const { page } = session();
    session().registerCanary(NEW_VALUE);
    await openKagiView(page);
    await session().waitForActivation(30000);
    await runCommand(page, 'Kagi: Set Secret');
    await waitForQuickPickRow(page, 'api/development');
    await readmeScreenshot(page, 'set-secret');
    await answerQuickInput(page, 'api/development');
    await answerQuickInput(page, 'STRIPE_KEY');
    await waitForQuickPickRow(page, 'Type the value');
    await answerQuickInput(page, 'Type the value');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.waitForFunction(
      () => document.querySelector('.quick-input-box input')?.getAttribute('type') === 'password',
    );
    await input.fill(NEW_VALUE);
    await page.keyboard.press('Enter');
    const env = page.locator('.part.sidebar .pane-body .monaco-list-row', { hasText: 'development' }).first();
    await env.waitFor({ state: 'visible', timeout: 15000 });
    if ((await env.getAttribute('aria-expanded')) !== 'true') await env.click();
    await page
      .locator('.part.sidebar .pane-body .monaco-list-row', { hasText: 'STRIPE_KEY' })
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
    const rows = await treeRows(page, { pane: 'Secrets' });
    assert.ok(
      rows.some((r) => r.text.includes('STRIPE_KEY')),
      JSON.stringify(rows.map((r) => r.text)),
    );
    assert.ok(!(await pageText(page)).includes(NEW_VALUE), 'the typed value is visible');
  });

  it('reveal in the editor: a read-only panel shows the value', async () => {
    const { page, fixture } = session();
    const value = fixture.vault!.secrets.find((s) => s.env === 'development')!.value;
    await runCommand(page, 'Kagi: Reveal Secret');
    await answerQuickInput(page, 'api/development');
    await answerQuickInput(page, 'API_TOKEN');
    await clickModalButton(page, 'Show in Editor');
    // The panel is a webview: its text is in a nested frame, not the workbench's document.
    await waitFor(
      async () => {
        for (const frame of page.frames()) {
          const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
          if (text.includes(value) && text.includes('never saved to disk')) return true;
        }
        return false;
      },
      { timeoutMs: 30000, what: 'the reveal panel to show the value' },
    );
    await readmeScreenshot(page, 'reveal-panel');
    await runCommand(page, 'View: Close Editor');
  });

  it('run with secrets: a terminal gets the scope in its environment', async () => {
    const { page, fixture } = session();
    await runCommand(page, 'Kagi: Open Terminal with Secrets of a Scope');
    await answerQuickInput(page, 'api/development');
    const tab = page.locator('.part.panel', { hasText: 'kagi: api/development' }).first();
    await tab.waitFor({ state: 'visible', timeout: 30000 });
    await page.locator('.part.panel .xterm').first().click();
    // The length only: the value itself never goes on screen. The file is how the test reads
    // the terminal's output (xterm draws on a canvas).
    await page.keyboard.type('echo "API_TOKEN has ${#API_TOKEN} characters" | tee token-length.txt');
    await page.keyboard.press('Enter');
    const out = path.join(fixture.workspace, 'token-length.txt');
    const line = await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').trim(), {
      timeoutMs: 30000,
      what: 'the terminal to write token-length.txt',
    });
    const expected = fixture.vault!.secrets.find((s) => s.env === 'development')!.value.length;
    assert.equal(line, `API_TOKEN has ${expected} characters`);
    await readmeScreenshot(page, 'terminal-with-secrets');
  });
});
