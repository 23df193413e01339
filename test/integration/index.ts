// Suite index for the integration tests, as @vscode/test-electron expects (`run()`), plus
// `runWithResults()` for the code-server harness's runner extension (test/runner-extension).
// Bundled by scripts/vscode/build-suite.mjs to out/integration/index.js (CJS, `vscode` external,
// mocha bundled in); every test/integration/suite/*.test.ts becomes out/integration/suite/*.test.js.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export interface TestRecord {
  title: string;
  fullTitle: string;
  file?: string;
  duration?: number;
  err?: { message: string; stack?: string; actual?: string; expected?: string };
}

export interface Activation {
  extension: string;
  found: boolean;
  /** True when something had activated it before the suite started (then no time is measured). */
  alreadyActive?: boolean;
  /** Wall time of `await ext.activate()` (load + activate()) when it was not active yet. */
  activation_ms?: number;
  error?: string;
}

export interface SuiteResults {
  activation?: Activation;
  stats: {
    suites: number;
    tests: number;
    passes: number;
    pending: number;
    failures: number;
    duration: number;
    start: string;
    end: string;
  };
  passes: TestRecord[];
  failures: TestRecord[];
  pending: TestRecord[];
}

function record(test: Mocha.Runnable, err?: unknown): TestRecord {
  const r: TestRecord = { title: test.title, fullTitle: test.fullTitle(), file: test.file, duration: test.duration };
  if (err !== undefined) {
    const e = err as { message?: string; stack?: string; actual?: unknown; expected?: unknown };
    r.err = { message: String(e?.message ?? err), stack: e?.stack };
    if (e && 'actual' in e && 'expected' in e) {
      r.err.actual = JSON.stringify(e.actual, null, 2);
      r.err.expected = JSON.stringify(e.expected, null, 2);
    }
  }
  return r;
}

/** Activates the extension under test (if not active yet) and times it. */
export async function measureActivation(
  id = process.env.KAGI_IT_EXTENSION_ID ?? 'kagi-vault.kagi-vscode',
): Promise<Activation> {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) return { extension: id, found: false };
  if (ext.isActive) return { extension: id, found: true, alreadyActive: true };
  const t0 = performance.now();
  try {
    await ext.activate();
  } catch (e) {
    return { extension: id, found: true, alreadyActive: false, error: String((e as Error)?.stack ?? e) };
  }
  return {
    extension: id,
    found: true,
    alreadyActive: false,
    activation_ms: Math.round((performance.now() - t0) * 10) / 10,
  };
}

/**
 * Measures activation (unless the caller already did: the code-server runner extension observes
 * it from startup on), then runs every suite/*.test.js next to this file. Never rejects on test
 * failures.
 */
export async function runWithResults(opts: { activation?: Activation } = {}): Promise<SuiteResults> {
  const activation = opts.activation ?? (await measureActivation());
  // The suites of tasks, debugging and terminals inject production without a question;
  // guard.test.ts turns the production guard back on for itself.
  await vscode.workspace
    .getConfiguration('kagi')
    .update('protectedEnvironments', [], vscode.ConfigurationTarget.Global)
    .then(undefined, () => undefined);
  const results = await runMocha();
  return { activation, ...results };
}

function runMocha(): Promise<SuiteResults> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.KAGI_IT_TEST_TIMEOUT ?? 20000),
    // Quiet in code-server (the harness prints), spec under @vscode/test-electron.
    reporter: process.env.KAGI_IT_RESULTS ? 'base' : 'spec',
  });
  if (process.env.KAGI_IT_GREP) mocha.grep(process.env.KAGI_IT_GREP);
  const suiteDir = path.join(__dirname, 'suite');
  let files = fs
    .readdirSync(suiteDir)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  // Restricted Mode pass: only the files that handle KAGI_IT_TRUST themselves (manifest.json,
  // written by scripts/vscode/build-suite.mjs).
  const manifestFile = path.join(suiteDir, 'manifest.json');
  if (process.env.KAGI_IT_TRUST === '1' && fs.existsSync(manifestFile)) {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Array<{ file: string; restricted: boolean }>;
    const aware = new Set(manifest.filter((m) => m.restricted).map((m) => m.file));
    files = files.filter((f) => aware.has(f));
  }
  for (const f of files) mocha.addFile(path.join(suiteDir, f));

  const passes: TestRecord[] = [];
  const failures: TestRecord[] = [];
  const pending: TestRecord[] = [];
  const start = new Date();
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        const end = new Date();
        resolve({
          stats: {
            suites: runner.stats?.suites ?? 0,
            tests: passes.length + failures.length + pending.length,
            passes: passes.length,
            pending: pending.length,
            failures: failures.length,
            duration: end.getTime() - start.getTime(),
            start: start.toISOString(),
            end: end.toISOString(),
          },
          passes,
          failures,
          pending,
        });
      });
      runner.on('pass', (t) => passes.push(record(t)));
      runner.on('fail', (t, err) => failures.push(record(t, err)));
      runner.on('pending', (t) => pending.push(record(t)));
    } catch (e) {
      reject(e);
    }
  });
}

/** @vscode/test-electron entry: rejects when any test failed. */
export async function run(): Promise<void> {
  const results = await runWithResults();
  if (process.env.KAGI_IT_RESULTS_FILE) {
    fs.mkdirSync(path.dirname(process.env.KAGI_IT_RESULTS_FILE), { recursive: true });
    fs.writeFileSync(process.env.KAGI_IT_RESULTS_FILE, JSON.stringify(results, null, 2));
  }
  if (results.stats.failures > 0) {
    throw new Error(`${results.stats.failures} integration test(s) failed`);
  }
}
