// Debian's headless Chromium driven by playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core';
import { CHROMIUM, ensureSystemPackages } from './install.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium({ headless = true } = {}) {
  ensureSystemPackages();
  return chromium.launch({ executablePath: CHROMIUM, headless, args: CHROMIUM_ARGS });
}

/** Opens the workbench URL in a new page and waits until the workbench has rendered. */
export async function openWorkbench(browser, url, { timeoutMs = 90000, viewport = { width: 1400, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: timeoutMs });
  return { context, page, consoleLines };
}
