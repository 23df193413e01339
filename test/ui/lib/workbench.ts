// Helpers for UI checks against the real VS Code workbench (code-server + headless Chromium).
// A check file (test/ui/*.ui.ts) typically does:
//
//   const session = withSession();            // before/after hooks: start, canary scan, stop
//   it('shows the vault', async () => {
//     const { page } = session();
//     await openKagiView(page);
//     const rows = await treeRows(page);
//     await screenshot(page, 'kagi-view');
//   });
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { startSession, type Session, type SessionOptions } from '../../../scripts/vscode/session.mjs';

export type { Session, SessionOptions };

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'ui');

/**
 * Starts one workbench session for the enclosing `describe` (before) and, after it, scans the
 * code-server logs and the page text for secret canaries (failing the suite on a hit) and stops.
 * Failed tests get a screenshot and the tail of the exthost log.
 */
export function withSession(opts: SessionOptions = {}): () => Session {
  let session: Session | undefined;
  before(async function () {
    this.timeout(180000);
    session = await startSession(opts);
    console.log(`      [ui] ${session.url}`);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      const name = `FAILED-${this.currentTest.fullTitle()}`;
      const file = await screenshot(session.page, name).catch(() => null);
      console.log(`      [ui] screenshot: ${file}`);
      console.log(`      [ui] exthost log: ${session.exthostLog()}\n${indent(session.exthostLogTail(40))}`);
    }
  });
  after(async function () {
    this.timeout(60000);
    if (!session) return;
    const s = session;
    session = undefined;
    const hits = await s.scanCanaries();
    await s.stop({ keep: hits.length > 0 || process.env.KAGI_KEEP_RUN === '1' });
    if (hits.length) {
      throw new Error(`secret canary leak:\n${hits.map((h) => `  ${h.canary} in ${h.where}`).join('\n')}`);
    }
  });
  return () => {
    if (!session) throw new Error('the session is not started (use it inside it()/before hooks of the same describe)');
    return session;
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n');
}

/** Saves a PNG under test-results/ui/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_').slice(0, 120)}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * A screenshot of an everyday flow for the README. With `KAGI_UI_SCREENSHOTS=update` it replaces
 * docs/images/<name>.png, shrunk with ImageMagick (`convert`: at most 1000 px wide, 128 colours,
 * metadata stripped) so the repository stays small; otherwise it goes to a temp folder, so a test
 * run never dirties the work tree. Returns the file written.
 */
export async function readmeScreenshot(page: Page, name: string): Promise<string> {
  const update = process.env.KAGI_UI_SCREENSHOTS === 'update';
  const dir = update ? README_IMAGES : path.join(os.tmpdir(), 'kagi-ui-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  if (update) {
    const r = spawnSync('convert', [file, '-resize', '1000x>', '-strip', '-colors', '128', `PNG8:${file}`], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`convert (ImageMagick) failed on ${file}: ${r.stderr || r.error?.message}`);
  }
  return file;
}

/** Where the README's screenshots live. */
export const README_IMAGES = path.join(REPO_ROOT, 'docs', 'images');

/** The document of the active webview (a panel or view): VS Code nests it in two iframes. */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Visible text of the whole workbench. */
export async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

/** The activity-bar entry of the Kagi view container (aria-label starts with `title`). */
export function kagiActivityItem(page: Page, title = 'Kagi') {
  return page.locator(`.part.activitybar [aria-label^="${title}"]`).first();
}

/** Opens the Kagi activity-bar container and waits for its side bar to show. */
export async function openKagiView(page: Page, { title = 'Kagi', timeoutMs = 30000 } = {}): Promise<void> {
  const item = kagiActivityItem(page, title);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const sidebarTitle = page.locator('.part.sidebar .composite.title');
  const already = (await sidebarTitle.textContent().catch(() => ''))?.toLowerCase().includes(title.toLowerCase());
  if (!already) await item.click();
  await page.waitForFunction(
    (t) => (document.querySelector('.part.sidebar .composite.title')?.textContent ?? '').toLowerCase().includes(t),
    title.toLowerCase(),
    { timeout: timeoutMs },
  );
}

export interface TreeRow {
  label: string;
  text: string;
  level: number;
  expanded: boolean | null;
  selected: boolean;
  index: number;
}

/** Rows of the trees/lists in the side bar (`.pane-body .monaco-list-row`), top to bottom. */
export async function treeRows(page: Page, { pane }: { pane?: string } = {}): Promise<TreeRow[]> {
  return page.evaluate((paneTitle) => {
    let panes = Array.from(document.querySelectorAll('.part.sidebar .pane'));
    if (paneTitle) {
      panes = panes.filter((p) =>
        (p.querySelector('.pane-header')?.textContent ?? '').toLowerCase().includes(paneTitle.toLowerCase()),
      );
    }
    const rows = panes.flatMap((p) => Array.from(p.querySelectorAll('.pane-body .monaco-list-row')));
    return rows.map((r, index) => ({
      label: (r.getAttribute('aria-label') ?? '').trim(),
      text: (r as HTMLElement).innerText.trim(),
      level: Number(r.getAttribute('aria-level') ?? 0),
      expanded: r.hasAttribute('aria-expanded') ? r.getAttribute('aria-expanded') === 'true' : null,
      selected: r.getAttribute('aria-selected') === 'true',
      index,
    }));
  }, pane ?? null);
}

/** Clicks the side-bar tree row whose text or aria-label contains `label`. */
export async function clickTreeRow(
  page: Page,
  label: string,
  { button = 'left' as 'left' | 'right' } = {},
): Promise<void> {
  const row = page.locator('.part.sidebar .pane-body .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 15000 });
  await row.click({ button });
}

/**
 * Runs a command by its palette title (e.g. "Kagi: Refresh") through F1: types the name and
 * clicks the first entry whose label contains it. Retries (Escape, F1 again) while the palette
 * does not list it yet, e.g. while the extension host is still starting.
 */
export async function runCommand(page: Page, name: string, { timeoutMs = 30000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first();
  for (let attempt = 1; ; attempt++) {
    if (!(await input.isVisible())) {
      await page
        .locator('.part.statusbar')
        .click({ position: { x: 2, y: 2 } })
        .catch(() => {});
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
    }
    try {
      // Inside the retry: the palette can close under us (an editor closing takes the focus)
      // and a fill into an inert or hidden input would wait out the whole timeout.
      const step = Math.min(5000, Math.max(1000, deadline - Date.now()));
      await input.fill(`>${name}`, { timeout: step });
      await row.waitFor({ state: 'visible', timeout: step });
      await row.click();
      return;
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(
          `command "${name}" not found in the palette after ${attempt} attempt(s): ${(e as Error).message}`,
          { cause: e },
        );
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
}

/** Answers an open quick pick / input box: types `text` (if any) and presses Enter. */
/**
 * Right-clicks `row`, runs the context-menu item `item` and waits for `opened` (what the command
 * shows). Retried: the tree re-renders while a vault is first listed, which can close the menu
 * under the click or swallow it.
 */
export async function runContextMenuItem(
  page: Page,
  row: Locator,
  item: string,
  opened: Locator,
  { attempts = 3, openTimeoutMs = 15000 } = {},
): Promise<void> {
  const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: item }).first();
  for (let attempt = 1; ; attempt++) {
    try {
      await row.click({ button: 'right', timeout: 10000 });
      await entry.click({ timeout: 5000 });
      // A click that lands while the menu is still settling only focuses the item (the menu
      // stays open, nothing runs): Enter runs the focused item.
      if (await entry.isVisible()) {
        await page.waitForTimeout(1000);
        if (await entry.isVisible()) await page.keyboard.press('Enter');
      }
      await opened.waitFor({ state: 'visible', timeout: openTimeoutMs });
      return;
    } catch (e) {
      if (attempt >= attempts)
        throw new Error(`"${item}" did not open after ${attempt} attempts: ${(e as Error).message}`, {
          cause: e,
        });
      await page.keyboard.press('Escape');
    }
  }
}

export async function answerQuickInput(page: Page, text?: string, { timeoutMs = 15000 } = {}): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  if (text !== undefined) await input.fill(text);
  await page.keyboard.press('Enter');
}

/**
 * Clicks a button of the modal dialog (showInformationMessage/showWarningMessage with modal: true)
 * and waits until that dialog is gone: either no dialog is open any more or a different one
 * (a follow-up modal) has replaced it.
 */
export async function clickModalButton(page: Page, label: string, { timeoutMs = 15000 } = {}): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box').last();
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  const handle = await dialog.elementHandle();
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await page.waitForFunction((el) => !el || !el.isConnected || !(el as HTMLElement).offsetParent, handle, {
    timeout: timeoutMs,
  });
  await handle?.dispose();
}

/** Text of the modal dialog, or null when none is open. */
export async function modalText(page: Page): Promise<string | null> {
  const dialog = page.locator('.monaco-dialog-box');
  return (await dialog.count()) ? dialog.innerText() : null;
}

/** Texts of the notification toasts currently shown. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-toast').allInnerTexts();
}

/** package.json of the extension under test (to adapt checks to what it contributes). */
export function extensionManifest(): {
  activationEvents?: string[];
  contributes?: {
    viewsContainers?: { activitybar?: Array<{ id: string; title: string }> };
    views?: Record<string, Array<{ id: string; name: string }>>;
    commands?: Array<{ command: string; title: string; category?: string }>;
  };
} {
  // The workbench shows package.json's `%key%` placeholders with their text from package.nls.json.
  const nls = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'), (_key, value: unknown) => {
    const placeholder = typeof value === 'string' ? /^%([^%\s]+)%$/.exec(value)?.[1] : undefined;
    return placeholder !== undefined && placeholder in nls ? nls[placeholder] : value;
  });
}

/**
 * True when the window is in Restricted Mode. A session started with `{ trust: true }` opens its
 * temp workspace untrusted (Restricted Mode banner, no prompt), so extensions without
 * `capabilities.untrustedWorkspaces` support stay disabled.
 */
export async function isRestrictedMode(page: Page): Promise<boolean> {
  return (await page.locator('.part.statusbar', { hasText: 'Restricted Mode' }).count()) > 0;
}
