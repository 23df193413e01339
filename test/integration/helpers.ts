// Helpers for integration tests (they run inside the extension host, against the real `vscode`).
// Environment set by the harness (scripts/vscode/integration.mjs) or scripts/test-electron.mjs:
//   KAGI_HOME          throwaway device identity of this run (the extension uses it too)
//   KAGI_IT_OUT        results folder of the run (canaries.txt lives here)
//   KAGI_IT_FIXTURE    JSON describing the workspace fixture (see Fixture)
//   KAGI_REPO_ROOT     the repository (dist/cli.js lives there)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sleep, waitFor as poll } from '../../scripts/vscode/poll.mjs';
import type { KagiApi } from '../../src/extension/api';

export { sleep };

export const EXTENSION_ID = 'kagi-vault.kagi-vscode';

export interface Fixture {
  workspace: string;
  kagiHome: string;
  /** Vault made by `kagi init` + `set` before the host started; null when the CLI failed. */
  vault: null | { envs: string[]; secrets: Array<{ service: string; env: string; key: string; value: string }> };
  vaultError?: string;
}

export function repoRoot(): string {
  return process.env.KAGI_REPO_ROOT ?? path.resolve(__dirname, '..', '..', '..');
}

/** The fixture the harness made for this run (workspace folder, KAGI_HOME, vault contents). */
export function fixture(): Fixture {
  const file = process.env.KAGI_IT_FIXTURE;
  if (!file || !fs.existsSync(file)) {
    return {
      workspace: workspaceFolder() ?? '',
      kagiHome: process.env.KAGI_HOME ?? '',
      vault: null,
      vaultError: 'no fixture file (KAGI_IT_FIXTURE)',
    };
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
}

export function getExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  return ext;
}

export async function activateExtension(): Promise<unknown> {
  const ext = getExtension();
  return ext.isActive ? ext.exports : ext.activate();
}

export function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the vault CLI (`node dist/cli.js ...args`) with this host's KAGI_HOME unless `env`
 * overrides it. Runs with the host's own Node (Electron runs as Node).
 */
export function kagiCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): CliResult {
  const r = spawnSync(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), ...args], {
    cwd: opts.cwd ?? workspaceFolder(),
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...(opts.env ?? {}) },
    input: opts.input,
    encoding: 'utf8',
    timeout: 60000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** Like kagiCli but throws with the CLI's output on a non-zero exit. */
export function kagi(args: string[], opts: Parameters<typeof kagiCli>[1] = {}): string {
  const r = kagiCli(args, opts);
  if (r.code !== 0) throw new Error(`kagi ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/**
 * Registers a string that must never show up in logs or the UI; the harness fails the run if it
 * finds one in the code-server logs or in page text (scripts/vscode/canary.mjs).
 */
export function registerCanary(value: string): void {
  const out = process.env.KAGI_IT_OUT;
  if (!out) return;
  fs.mkdirSync(out, { recursive: true });
  fs.appendFileSync(path.join(out, 'canaries.txt'), `${value}\n`);
}

/** The suite polls more often and gives up sooner than the harness. */
export function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 10000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  return poll(fn, { timeoutMs, intervalMs, what });
}

/**
 * Waits until `count()` has not moved for `quietMs`, so late events of earlier steps have
 * arrived and what a test counts next is its own. It only waits: nothing asserts a duration.
 */
export async function settle(count: () => number, what: string, quietMs = 1000): Promise<void> {
  let last = count();
  let since = Date.now();
  await waitFor(
    () => {
      const n = count();
      if (n !== last) [last, since] = [n, Date.now()];
      return Date.now() - since >= quietMs;
    },
    { timeoutMs: 15000, what: `${what} to settle` },
  );
}

/** The `.kagi/` watcher's passes from now on, by the paths each handled (KagiApi.onDidHandleVaultFiles). */
export function recordWatcher(api: Pick<KagiApi, 'onDidHandleVaultFiles'>): {
  saw(suffix: string): boolean;
  dispose(): void;
} {
  const seen: string[] = [];
  const sub = api.onDidHandleVaultFiles((paths) => seen.push(...paths.map((p) => p.split(path.sep).join('/'))));
  return {
    /** A pass handled an event for the file whose path ends with `/<suffix>` (say `.kagi/access.json`). */
    saw: (suffix) => seen.some((p) => p.endsWith(`/${suffix}`)),
    dispose: () => sub.dispose(),
  };
}

let watcherPassCount: number | undefined;

/**
 * How many passes the `.kagi/` watcher has made since the first call (for settle() and for
 * waiting on the next pass; only differences between two readings mean anything).
 */
export function watcherPasses(api: Pick<KagiApi, 'onDidHandleVaultFiles'>): () => number {
  if (watcherPassCount === undefined) {
    watcherPassCount = 0;
    api.onDidHandleVaultFiles(() => watcherPassCount!++);
  }
  return () => watcherPassCount!;
}
