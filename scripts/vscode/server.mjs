// Starts code-server (the real VS Code workbench + a real Node extension host) with the
// extension under test installed, and knows where its logs are.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCodeServer } from './install.mjs';
import { ensureDir, extensionId, freePort, repoRoot, sleep, waitFor } from './common.mjs';

/** What gets copied from another extension folder (the test runner's, the bench's empty one). */
const EXTENSION_FILES = [
  'package.json',
  'package.nls.json',
  'l10n',
  'dist',
  'media',
  'resources',
  'images',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'LICENSE.md',
  'extension.js',
];

let shipped;

/**
 * The files the VSIX ships (`vsce ls`, through .vscodeignore), so the extension under test is
 * installed exactly as a user gets it: a file the product needs but the VSIX leaves out fails
 * here, not on a user's machine. Listed once per process.
 */
function vsixFiles() {
  if (!shipped) {
    const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`vsce ls failed (is @vscode/vsce installed? run npm ci): ${r.stderr}`);
    shipped = r.stdout.split('\n').filter((l) => l.trim() !== '');
  }
  return shipped;
}

/** Copies an extension folder (default: this repo, built, as its VSIX ships it) into an extensions dir; returns its install folder. */
export function installExtension(extensionsDir, sourceDir = repoRoot) {
  const pkg = JSON.parse(readFileSync(path.join(sourceDir, 'package.json'), 'utf8'));
  const dest = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(dest, { recursive: true, force: true });
  ensureDir(dest);
  if (sourceDir === repoRoot && !existsSync(path.join(repoRoot, pkg.main ?? 'dist/extension.js'))) {
    throw new Error(`${pkg.main} is missing: run \`npm run build\` first`);
  }
  for (const f of sourceDir === repoRoot ? vsixFiles() : EXTENSION_FILES) {
    const src = path.join(sourceDir, f);
    if (existsSync(src)) cpSync(src, path.join(dest, f), { recursive: true });
  }
  return dest;
}

export const RUNNER_EXTENSION_DIR = path.join(repoRoot, 'test', 'runner-extension');

/** A fresh temp folder layout for one run: workspace/, user-data/, extensions/, kagi-home/, results/. */
export function makeRunDirs(prefix = 'kagi-vscode-') {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = {
    root,
    workspace: ensureDir(path.join(root, 'workspace')),
    userData: ensureDir(path.join(root, 'user-data')),
    extensions: ensureDir(path.join(root, 'extensions')),
    kagiHome: ensureDir(path.join(root, 'kagi-home')),
    results: ensureDir(path.join(root, 'results')),
  };
  return dirs;
}

const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'window.confirmBeforeClose': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Starts code-server. Options:
 *   workspace, userDataDir, extensionsDir (required);
 *   port (default: free one), trust (default false => --disable-workspace-trust),
 *   env (extra env for the server and so the extension host), settings (User/settings.json).
 * Returns { url, port, proc, workspaceUrl, stop(), exthostLog(), logsDir, output() }.
 */
export async function startCodeServer(opts) {
  const tools = ensureCodeServer();
  const port = opts.port ?? (await freePort());
  const { userDataDir, extensionsDir, workspace } = opts;
  ensureDir(path.join(userDataDir, 'User'));
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) }, null, 2),
  );
  const config = path.join(userDataDir, 'code-server.yaml');
  writeFileSync(config, 'auth: none\n');
  const args = [
    tools.entry,
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (!opts.trust) args.push('--disable-workspace-trust');
  args.push(workspace);
  const env = { ...process.env, ...(opts.env ?? {}), PATH: `${tools.nodeBin}:${process.env.PATH}` };
  // Keep npm's settings of an outer `npm test` away from the server.
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  let output = '';
  const proc = spawn(tools.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const onData = (d) => {
    output += d;
    if (output.length > 200000) output = output.slice(-100000);
    if (opts.verbose) process.stdout.write(d);
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  let exited = null;
  proc.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}):\n${output}`);
        try {
          const r = await fetch(`${url}/healthz`);
          return r.ok;
        } catch {
          return false;
        }
      },
      { timeoutMs: 60000, what: 'code-server to listen' },
    );
  } catch (e) {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    throw e;
  }
  const logsDir = path.join(userDataDir, 'logs');
  return {
    url,
    port,
    proc,
    logsDir,
    userDataDir,
    extensionsDir,
    workspace,
    workspaceUrl: `${url}/?folder=${encodeURIComponent(workspace)}`,
    output: () => output,
    exthostLog: () => findExthostLog(logsDir),
    async stop() {
      if (exited) return;
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        return;
      }
      for (let i = 0; i < 40 && !exited; i++) await sleep(100);
      if (!exited) {
        try {
          process.kill(-proc.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  };
}

/** All files under `dir`, recursively. */
export function listFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Newest `remoteexthost.log` under the logs folder (null before the extension host starts). */
export function findExthostLog(logsDir) {
  const logs = listFiles(logsDir).filter((f) => path.basename(f) === 'remoteexthost.log');
  if (!logs.length) return null;
  logs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return logs[0];
}

export function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function tail(text, lines = 60) {
  return text.split('\n').slice(-lines).join('\n');
}

/** The `ExtensionService#_doActivateExtension <id>` line of the exthost log, or null. */
export function activationLine(logFile, id = extensionId()) {
  if (!logFile) return null;
  return (
    readText(logFile)
      .split('\n')
      .find((l) => l.includes(`_doActivateExtension ${id}`)) ?? null
  );
}
