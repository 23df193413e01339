// `npm run test:electron`: the same integration suite under @vscode/test-electron (downloads VS
// Code, so it needs its update server; it cannot run on the offline dev/CI machines, where
// `npm test` uses code-server instead). Runs on the minimum `engines.vscode` version and on stable.
//   node scripts/vscode/test-electron.mjs [--version 1.90.0|stable ...]
import { runTests } from '@vscode/test-electron';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDir, extensionId, log, readPackageJson, repoRoot } from './common.mjs';
import { buildSuite } from './build-suite.mjs';
import { defaultFixture } from './fixtures.mjs';
import { makeRunDirs } from './server.mjs';
import { readCanaries, registerCanary, reportCanaries, scanForCanaries } from './canary.mjs';

const pkg = readPackageJson();
const minVersion = pkg.engines.vscode.replace(/^[^\d]*/, '');
const argVersions = process.argv.flatMap((a, i) => (a === '--version' ? [process.argv[i + 1]] : []));
const versions = argVersions.length ? argVersions : [minVersion, 'stable'];

if (!existsSync(path.join(repoRoot, pkg.main))) throw new Error(`${pkg.main} missing: run \`npm run build\``);
const resultsRoot = ensureDir(path.join(repoRoot, 'test-results'));
let passed = 0;
let failed = 0;

for (const version of versions) {
  log(`VS Code ${version}`);
  const dirs = makeRunDirs('kagi-electron-');
  // Inside the extension folder (out/integration), so the host maps require('vscode') to it.
  const suite = await buildSuite();
  const fixture = defaultFixture({ workspace: dirs.workspace, kagiHome: dirs.kagiHome });
  for (const s of fixture.vault?.secrets ?? []) registerCanary(dirs.results, s.value);
  const fixtureFile = path.join(dirs.results, 'fixture.json');
  writeFileSync(fixtureFile, JSON.stringify(fixture, null, 2));
  const resultsFile = path.join(dirs.results, 'integration.json');
  let code;
  try {
    code = await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite.index,
      launchArgs: [
        dirs.workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${dirs.userData}`,
        `--extensions-dir=${dirs.extensions}`,
      ],
      extensionTestsEnv: {
        KAGI_HOME: dirs.kagiHome,
        KAGI_IT_OUT: dirs.results,
        KAGI_IT_FIXTURE: fixtureFile,
        KAGI_IT_RESULTS_FILE: resultsFile,
        KAGI_IT_EXTENSION_ID: extensionId(pkg),
        KAGI_REPO_ROOT: repoRoot,
      },
    });
  } catch (e) {
    console.error(`[harness] VS Code ${version}: ${e?.message ?? e}`);
    code = 1;
  }
  const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : null;
  if (results) {
    passed += results.stats.passes;
    failed += results.stats.failures;
    writeFileSync(
      path.join(resultsRoot, `activation-electron-${version}.json`),
      `${JSON.stringify({ activation_ms: results.activation?.activation_ms ?? null, host: `vscode-${version}` }, null, 2)}\n`,
    );
  } else if (code !== 0) {
    failed += 1;
  }
  const hits = scanForCanaries({ canaries: readCanaries(dirs.results), dirs: [path.join(dirs.userData, 'logs')] });
  if (!reportCanaries(hits, readCanaries(dirs.results).length)) failed += 1;
  if (!failed) rmSync(dirs.root, { recursive: true, force: true });
  else log(`run folder kept: ${dirs.root}`);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
