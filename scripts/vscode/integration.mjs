// Runs the integration suite (test/integration/suite/*.test.ts) inside code-server's real
// extension host:
//   1. installs code-server + Node 24 once (scripts/vscode/install.mjs);
//   2. bundles the suite (scripts/vscode/build-suite.mjs);
//   3. makes a temp workspace with a vault (KAGI_HOME = a throwaway identity);
//   4. installs the built extension and test/runner-extension into a fresh extensions dir;
//   5. starts code-server with KAGI_IT_RESULTS etc. in its env, opens the workbench in headless
//      Chromium (the extension host starts only when a window connects);
//   6. waits for the runner extension's results JSON, prints it mocha-style, writes
//      test-results/integration.json and test-results/activation.json, scans logs for canaries.
// Exit code: 0 when every test passed and no canary leaked.
// Env: KAGI_IT_TIMEOUT (s, default 600), KAGI_IT_GREP, KAGI_KEEP_RUN=1 (keep the temp folder),
//      KAGI_IT_VERBOSE=1 (code-server output), KAGI_IT_TRUST=1 (workspace trust on: the folder
//      opens untrusted, Restricted Mode), KAGI_IT_LABEL (output names, default "integration";
//      test-results/activation.json is written by the "integration" run only).
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDir, extensionId, log, readPackageJson, repoRoot, sleep } from './common.mjs';
import { ensureCodeServer } from './install.mjs';
import { buildSuite } from './build-suite.mjs';
import { defaultFixture } from './fixtures.mjs';
import {
  RUNNER_EXTENSION_DIR,
  activationLine,
  installExtension,
  makeRunDirs,
  readText,
  startCodeServer,
  tail,
} from './server.mjs';
import { launchChromium, openWorkbench } from './browser.mjs';
import { readCanaries, registerCanary, reportCanaries, scanForCanaries } from './canary.mjs';

const RESULTS_DIR = path.join(repoRoot, 'test-results');
const RUNNER_ID = 'kagi-vault.kagi-it-runner';

function printResults(results) {
  const tick = '\u2714';
  const byFile = new Map();
  const all = [
    ...results.passes.map((t) => ({ ...t, state: 'passed' })),
    ...results.failures.map((t) => ({ ...t, state: 'failed' })),
    ...results.pending.map((t) => ({ ...t, state: 'pending' })),
  ];
  for (const t of all) {
    const suite = t.fullTitle.endsWith(t.title) ? t.fullTitle.slice(0, -t.title.length).trim() : '';
    if (!byFile.has(suite)) byFile.set(suite, []);
    byFile.get(suite).push(t);
  }
  let n = 0;
  console.log('');
  for (const [suite, tests] of byFile) {
    if (suite) console.log(`  ${suite}`);
    for (const t of tests) {
      const dur = t.duration && t.duration > 75 ? ` (${t.duration}ms)` : '';
      if (t.state === 'passed') console.log(`    ${tick} ${t.title}${dur}`);
      else if (t.state === 'pending') console.log(`    - ${t.title}`);
      else console.log(`    ${++n}) ${t.title}`);
    }
  }
  console.log('');
  console.log(`  ${results.stats.passes} passing (${results.stats.duration}ms)`);
  if (results.stats.pending) console.log(`  ${results.stats.pending} pending`);
  if (results.stats.failures) {
    console.log(`  ${results.stats.failures} failing`);
    results.failures.forEach((f, i) => {
      console.log('');
      console.log(`  ${i + 1}) ${f.fullTitle}:`);
      console.log(`     ${(f.err?.stack || f.err?.message || '').split('\n').join('\n     ')}`);
      if (f.err?.expected !== undefined)
        console.log(`     expected: ${f.err.expected}\n     actual:   ${f.err.actual}`);
    });
  }
  console.log('');
}

/** "2026-11-23 01:47:09.770 [info] ..." -> epoch ms (the log is in local time). */
function logTimestamp(line) {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+)/.exec(line ?? '');
  return m ? new Date(`${m[1]}T${m[2]}`).getTime() : null;
}

/**
 * Activation time, from the runner extension's observation (test/runner-extension):
 *  - it activated the extension itself through the API: the time of `await ext.activate()`;
 *  - the extension activated by its own event: from the `_doActivateExtension` log line (written
 *    just before VS Code loads the module) to when the runner saw `isActive` (2 ms polling).
 */
function activationReport(act, line) {
  const base = { activation_ms: null, source: 'unavailable', activated_by: null, log_line: line, host: 'code-server' };
  if (!act) return base;
  const event = /activationEvent: '([^']*)'/.exec(line ?? '')?.[1] ?? null;
  if (act.activation_ms !== null && act.activation_ms !== undefined) {
    return {
      ...base,
      activation_ms: act.activation_ms,
      source: 'await ext.activate() in the extension host',
      activated_by: event,
    };
  }
  const start = logTimestamp(line);
  if (act.activeObservedAt && start) {
    return {
      ...base,
      activation_ms: Math.max(0, act.activeObservedAt - start),
      activated_by: event,
      source: 'exthost log _doActivateExtension timestamp -> isActive observed by the runner extension',
    };
  }
  return {
    ...base,
    activated_by: event,
    source: act.alreadyActive ? 'unavailable: active before the runner started' : 'unavailable',
  };
}

export async function runIntegration() {
  const timeoutS = Number(process.env.KAGI_IT_TIMEOUT ?? 600);
  ensureCodeServer();
  const pkg = readPackageJson();
  if (!existsSync(path.join(repoRoot, pkg.main))) throw new Error(`${pkg.main} missing: run \`npm run build\``);
  const dirs = makeRunDirs('kagi-it-');
  installExtension(dirs.extensions);
  const runnerDir = installExtension(dirs.extensions, RUNNER_EXTENSION_DIR);
  // Bundled into this run's copy of the runner extension: concurrent runs in one checkout don't
  // clash, and the host maps the bundle's require('vscode') to the runner extension.
  const suite = await buildSuite(path.join(runnerDir, 'suite-bundle'));
  log(`integration suite: ${suite.tests.join(', ')}`);
  const resultsFile = path.join(dirs.results, 'integration.json');
  const fixtureFile = path.join(dirs.results, 'fixture.json');
  const fixture = defaultFixture({ workspace: dirs.workspace, kagiHome: dirs.kagiHome });
  if (fixture.vault) {
    for (const s of fixture.vault.secrets) registerCanary(dirs.results, s.value);
    log(`fixture: vault with ${fixture.vault.secrets.length} secret(s) in ${dirs.workspace}`);
  } else {
    log(`fixture: NO vault (the CLI failed: ${fixture.vaultError.split('\n')[0]})`);
  }
  writeFileSync(fixtureFile, JSON.stringify(fixture, null, 2));

  const server = await startCodeServer({
    workspace: dirs.workspace,
    userDataDir: dirs.userData,
    extensionsDir: dirs.extensions,
    trust: process.env.KAGI_IT_TRUST === '1',
    verbose: process.env.KAGI_IT_VERBOSE === '1',
    env: {
      KAGI_HOME: dirs.kagiHome,
      KAGI_IT_RESULTS: resultsFile,
      KAGI_IT_INDEX: suite.index,
      KAGI_IT_OUT: dirs.results,
      KAGI_IT_FIXTURE: fixtureFile,
      KAGI_IT_EXTENSION_ID: extensionId(pkg),
      KAGI_REPO_ROOT: repoRoot,
    },
  });
  log(`code-server ${server.url} (user data ${dirs.userData})`);
  let browser;
  let results = null;
  let pageText = '';
  let failure = null;
  const started = Date.now();
  try {
    browser = await launchChromium();
    const { page } = await openWorkbench(browser, server.workspaceUrl);
    log(`workbench loaded in ${Date.now() - started} ms; waiting for the suite (timeout ${timeoutS} s)`);
    const deadline = Date.now() + timeoutS * 1000;
    const runnerDeadline = Date.now() + 120000;
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error(`no results after ${timeoutS} s (KAGI_IT_TIMEOUT)`);
      if (Date.now() > runnerDeadline) {
        if (!activationLine(server.exthostLog(), RUNNER_ID)) {
          throw new Error('the test-runner extension did not activate within 120 s (extension host down?)');
        }
      }
      await sleep(250);
    }
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    pageText = await page.evaluate(() => document.body.innerText).catch(() => '');
  } catch (e) {
    failure = e;
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }

  const exthostLog = server.exthostLog();
  ensureDir(RESULTS_DIR);
  const label = process.env.KAGI_IT_LABEL || 'integration';
  const logsCopy = path.join(RESULTS_DIR, `${label}-logs`);
  rmSync(logsCopy, { recursive: true, force: true });
  if (existsSync(server.logsDir)) cpSync(server.logsDir, logsCopy, { recursive: true });
  log(
    `exthost log: ${exthostLog ? path.join(logsCopy, path.relative(server.logsDir, exthostLog)) : '(none: the extension host never started)'}`,
  );

  let passed = 0;
  let failed;
  if (results) {
    if (results.error) console.log(`[harness] the suite could not run:\n${results.error}`);
    printResults(results);
    passed = results.stats.passes;
    failed = results.stats.failures;
    if (results.stats.tests === 0 && !process.env.KAGI_IT_GREP) {
      console.log('[harness] the integration suite ran no test');
      failed += 1;
    }
    writeFileSync(path.join(RESULTS_DIR, `${label}.json`), JSON.stringify(results, null, 2));
  } else {
    console.log(`[harness] integration run failed: ${failure?.message ?? failure}`);
    failed = 1;
  }

  const line = activationLine(exthostLog, extensionId(pkg));
  const activation = activationReport(results?.activation, line);
  const activationFile = label === 'integration' ? 'activation.json' : `activation-${label}.json`;
  writeFileSync(path.join(RESULTS_DIR, activationFile), `${JSON.stringify(activation, null, 2)}\n`);
  log(`activation: ${activation.activation_ms ?? '?'} ms (test-results/${activationFile})`);
  if (!line) log(`no "_doActivateExtension ${extensionId(pkg)}" line in the exthost log`);

  const canaries = readCanaries(dirs.results);
  const hits = scanForCanaries({
    canaries,
    dirs: [server.logsDir],
    texts: [{ where: 'workbench page text', text: pageText }],
  });
  const clean = reportCanaries(hits, canaries.length);
  if (!clean) failed += 1;

  if (failed && exthostLog) {
    console.log(`[harness] tail of ${exthostLog}:`);
    console.log(tail(readText(exthostLog), 60));
  }
  if (failed && !results) console.log(`[harness] code-server output:\n${tail(server.output(), 40)}`);

  if (process.env.KAGI_KEEP_RUN === '1' || failed) log(`run folder kept: ${dirs.root}`);
  else rmSync(dirs.root, { recursive: true, force: true });
  return { passed, failed, pending: results?.stats.pending ?? 0 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  let r;
  try {
    r = await runIntegration();
  } catch (e) {
    console.error(`[harness] ${e.stack ?? e}`);
    r = { passed: 0, failed: 1 };
  }
  console.log(`${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} skipped` : ''}`);
  process.exit(r.failed ? 1 : 0);
}
