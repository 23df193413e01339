import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchResult } from '../result';

const kb = (...files: string[]) => Math.round(files.reduce((sum, f) => sum + fs.statSync(f).size, 0) / 102.4) / 10;

/** Sizes are absolute: the goal is the budget itself. */
function sizeResult(id: string, value: number, what: string, goalMax: number): BenchResult {
  return { id, value, unit: 'KB', baseline: what, goal: `<= ${goalMax}`, met: value <= goalMax };
}

/** bench/run.mjs has just built the production bundles. */
export function benchBundle(): BenchResult {
  // dist/extension.js is a stub since the code cache: the code activation loads is all three;
  // the command handlers (dist/commands.js, loaded on a command's first run) split from it count too.
  const files = [
    'dist/extension.js',
    'dist/code-cache.js',
    'dist/extension.bundle.js',
    'dist/commands.js',
    'dist/commands.bundle.js',
  ];
  return sizeResult('bundle_kb', kb(...files), `minified ${files.join(' + ')} (budget)`, 200);
}

export function benchVsix(): BenchResult {
  const r = spawnSync('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run package failed');
  return sizeResult(
    'vsix_kb',
    kb(path.join('dist', 'kagi-vscode.vsix')),
    'the VSIX from npm run package (budget)',
    150,
  );
}

/** Read from the real extension host by the integration harness (scripts/vscode/integration.mjs). */
export function benchActivation(): BenchResult {
  const file = path.join('test-results', 'activation.json');
  fs.rmSync(file, { force: true });
  const r = spawnSync(process.execPath, ['scripts/vscode/integration.mjs'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, KAGI_IT_GREP: 'activat' },
  });
  const ms = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { activation_ms: number | null }).activation_ms
    : null;
  if (r.status !== 0 || ms === null) {
    return {
      id: 'activation_ms',
      value: -1,
      unit: 'ms',
      baseline: 'unavailable: the code-server harness did not run here',
      goal: 'report',
    };
  }
  return {
    id: 'activation_ms',
    value: ms,
    unit: 'ms',
    baseline: "await ext.activate() in code-server's extension host",
    goal: 'report',
  };
}
