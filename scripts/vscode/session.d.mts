// Types of session.mjs (for test/ui, which is TypeScript).
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface RunDirs {
  root: string;
  workspace: string;
  userData: string;
  extensions: string;
  kagiHome: string;
  results: string;
}
export interface Secret {
  service: string;
  env: string;
  key: string;
  value: string;
}
export interface Fixture {
  workspace: string;
  kagiHome: string;
  vault: null | { envs: string[]; secrets: Secret[] };
  vaultError?: string;
}
export interface CanaryHit {
  canary: string;
  where: string;
}
export interface CodeServer {
  url: string;
  port: number;
  logsDir: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  workspaceUrl: string;
  output(): string;
  exthostLog(): string | null;
  stop(): Promise<void>;
}
export interface SessionOptions {
  /** Start with workspace trust enabled (Restricted Mode checks); default false = --disable-workspace-trust. */
  trust?: boolean; // true: the workspace opens untrusted (Restricted Mode), see isRestrictedMode()
  /** 'vault' (default: init + one API_TOKEN canary per env), 'empty', or a function making the fixture. */
  fixture?: 'vault' | 'empty' | ((dirs: RunDirs) => Fixture | void | Promise<Fixture | void>);
  /** Extra User/settings.json entries. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server (and so the extension host). */
  env?: Record<string, string>;
  headless?: boolean;
}
export interface Session {
  dirs: RunDirs;
  server: CodeServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  consoleLines: string[];
  fixture: Fixture;
  url: string;
  extensionId: string;
  exthostLog(): string | null;
  activationLine(): string | null;
  waitForActivation(timeoutMs?: number): Promise<string>;
  exthostLogTail(lines?: number): string;
  registerCanary(value: string): void;
  canaries(): string[];
  scanCanaries(texts?: Array<{ where: string; text: string }>): Promise<CanaryHit[]>;
  stop(opts?: { keep?: boolean }): Promise<void>;
}
export function startSession(opts?: SessionOptions): Promise<Session>;
