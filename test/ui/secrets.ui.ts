// UI checks of the Kagi secrets view in the real workbench (code-server + headless Chromium):
// masked tree, reveal cancelled and confirmed, Restricted Mode, and the welcome view.
import * as assert from 'node:assert/strict';
import {
  answerQuickInput,
  clickModalButton,
  modalText,
  openKagiView,
  pageText,
  readmeScreenshot,
  runCommand,
  screenshot,
  treeRows,
  withSession,
} from './lib/workbench';
import type { Page } from 'playwright-core';

const MASK = '••••••••';

async function waitForRow(page: Page, text: string, timeoutMs = 30000): Promise<void> {
  await page
    .locator('.part.sidebar .pane-body .monaco-list-row', { hasText: text })
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Expands a collapsed tree row by clicking its twistie. */
async function expandRow(page: Page, text: string): Promise<void> {
  const row = page.locator('.part.sidebar .pane-body .monaco-list-row', { hasText: text }).first();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
}

/** Runs Reveal from the palette for api/development API_TOKEN up to its confirmation modal. */
async function startReveal(page: Page): Promise<void> {
  await runCommand(page, 'Kagi: Reveal Secret');
  await answerQuickInput(page, 'api/development');
  await answerQuickInput(page, 'API_TOKEN');
  await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 15000 });
}

const devValue = (fixture: { vault: null | { secrets: { env: string; value: string }[] } }) =>
  fixture.vault!.secrets.find((s) => s.env === 'development')!.value;

describe('Kagi secrets view', function () {
  this.timeout(180000);
  const session = withSession();

  it('shows services, environments and keys with masked values', async () => {
    const { page, fixture } = session();
    assert.ok(fixture.vault, 'no vault fixture');
    await openKagiView(page);
    await session().waitForActivation(30000);
    await waitForRow(page, 'api');
    await waitForRow(page, 'development');
    await expandRow(page, 'development');
    await waitForRow(page, 'API_TOKEN');
    const rows = await treeRows(page, { pane: 'Secrets' });
    const key = rows.find((r) => r.text.includes('API_TOKEN'));
    assert.ok(key?.text.includes(MASK), `the key row is not masked: ${key?.text}`);
    assert.ok(
      rows.some((r) => /development/.test(r.text) && /1 key/.test(r.text) && /default/.test(r.text)),
      JSON.stringify(rows.map((r) => r.text)),
    );
    const text = await pageText(page);
    for (const s of fixture.vault.secrets) assert.ok(!text.includes(s.value), 'a value is visible in the workbench');
    await screenshot(page, 'kagi-secrets-tree');
    await readmeScreenshot(page, 'secrets-tree');
  });

  it('reveal: cancelling the confirmation shows no value', async () => {
    const { page, fixture } = session();
    const value = devValue(fixture);
    await startReveal(page);
    const question = await modalText(page);
    assert.match(question ?? '', /Reveal the value of API_TOKEN\?/);
    assert.ok(!(question ?? '').includes(value), 'the confirmation shows the value');
    await screenshot(page, 'kagi-reveal-confirm');
    await readmeScreenshot(page, 'reveal-confirm');
    await clickModalButton(page, 'Cancel');
    assert.ok(!(await pageText(page)).includes(value), 'the value is on screen after cancelling');
    await screenshot(page, 'kagi-reveal-cancelled');
  });

  it('reveal: confirming shows the value, dismissing hides it again', async () => {
    const { page, fixture } = session();
    const value = devValue(fixture);
    await startReveal(page);
    await clickModalButton(page, 'Show in Dialog');
    await page.locator('.monaco-dialog-box', { hasText: value }).waitFor({ state: 'visible', timeout: 15000 });
    assert.ok((await modalText(page))?.includes(value), 'the confirmed reveal does not show the value');
    await screenshot(page, 'kagi-reveal-shown');
    await clickModalButton(page, 'OK');
    assert.ok(!(await pageText(page)).includes(value), 'the value stays on screen after closing the dialog');
  });
});

describe('Kagi secrets view in Restricted Mode', function () {
  this.timeout(180000);
  const session = withSession({ trust: true });

  it('shows the structure but no key names, and offers trust management', async () => {
    const { page, fixture } = session();
    await openKagiView(page);
    await waitForRow(page, 'Restricted Mode');
    await waitForRow(page, 'Manage Workspace Trust');
    await waitForRow(page, 'api');
    const rows = await treeRows(page, { pane: 'Secrets' });
    assert.ok(!rows.some((r) => r.text.includes('API_TOKEN')), 'key names are listed in Restricted Mode');
    const text = await pageText(page);
    for (const s of fixture.vault?.secrets ?? []) assert.ok(!text.includes(s.value));
    await screenshot(page, 'kagi-restricted-mode');
  });
});

describe('Kagi welcome view without a vault', function () {
  this.timeout(180000);
  const session = withSession({ fixture: 'empty' });

  it('offers to initialize a vault or import a .env file', async () => {
    const { page } = session();
    await openKagiView(page);
    const welcome = page.locator('.part.sidebar .welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 30000 });
    const text = await welcome.innerText();
    assert.match(text, /Initialize Vault/);
    assert.match(text, /Import a \.env File/);
    await screenshot(page, 'kagi-welcome');
  });
});
