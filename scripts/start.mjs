// `npm start`: builds, generates the demo workspace (demo/, scripts/demo.mjs) and opens it with
// the extension under development, its device identity in .cache/demo-identities/alice (KAGI_HOME,
// outside the workspace).
//   - `code` on PATH: code --extensionDevelopmentPath=<repo> demo/
//   - otherwise: code-server on 127.0.0.1 (8080 or a free port) with the built extension
//     installed; prints the URL and runs until Ctrl-C.
//   KAGI_START_PORT=NNNN picks the port; --no-code forces code-server.
//   code-server starts with Workspace Trust disabled (the demo is trusted) and says so;
//   --restricted turns trust on instead, so the demo opens in Restricted Mode.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { commandExists, ensureDir, freePort, log, repoRoot } from './vscode/common.mjs';
import { excludeFromRepo, generateDemo } from './demo.mjs';

function npmRun(script) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

npmRun('build');
excludeFromRepo();
const demo = generateDemo();
const env = { ...process.env, KAGI_HOME: demo.kagiHome };

if (commandExists('code') && !process.argv.includes('--no-code')) {
  log(`code --extensionDevelopmentPath=${repoRoot} ${demo.dir} (KAGI_HOME=${demo.kagiHome})`);
  const r = spawnSync('code', [`--extensionDevelopmentPath=${repoRoot}`, demo.dir], { stdio: 'inherit', env });
  process.exit(r.status ?? 0);
}

const { startCodeServer, installExtension } = await import('./vscode/server.mjs');
const stateDir = ensureDir(path.join(repoRoot, '.cache', 'start'));
const extensionsDir = ensureDir(path.join(stateDir, 'extensions'));
installExtension(extensionsDir);
const port = await freePort(Number(process.env.KAGI_START_PORT ?? 8080));
const restricted = process.argv.includes('--restricted');
const server = await startCodeServer({
  port,
  trust: restricted,
  workspace: demo.dir,
  userDataDir: ensureDir(path.join(stateDir, 'user-data')),
  extensionsDir,
  env: { KAGI_HOME: demo.kagiHome },
});
console.log('');
console.log(`  Kagi demo in code-server: ${server.workspaceUrl}`);
console.log(`  (KAGI_HOME=${demo.kagiHome}; exthost logs under ${server.logsDir})`);
console.log(
  restricted
    ? '  Workspace Trust is on: the demo opens in Restricted Mode (Kagi shows structure only).'
    : '  Workspace Trust is disabled (the demo is trusted). `npm start -- --restricted` opens it in Restricted Mode.',
);
console.log('  Ctrl-C to stop.');
console.log('');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.proc.on('exit', (code) => {
  if (!stopping) {
    console.error(`code-server exited (${code}):\n${server.output().slice(-4000)}`);
    process.exit(code ?? 1);
  }
});
// Keep the event loop alive while code-server runs.
setInterval(() => {}, 1 << 30);
