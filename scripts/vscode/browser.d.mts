// Types of browser.mjs for the TypeScript UI checks (test/ui).
import type { Browser, BrowserContext, Page } from 'playwright-core';

export declare const CHROMIUM_ARGS: string[];
export declare function launchChromium(opts?: { headless?: boolean }): Promise<Browser>;
export declare function openWorkbench(
  browser: Browser,
  url: string,
  opts?: { timeoutMs?: number; viewport?: { width: number; height: number } },
): Promise<{ context: BrowserContext; page: Page; consoleLines: string[] }>;
