// scan_vs_git_grep: `kagi scan` (child process: decrypt every store, build the keyed matcher,
// list and read what Git would commit) against `git grep -F -f <the same values>` over the same
// tree. matrix_vs_listing: the compare use case on a 200-key × 6-environment service against
// decrypting the same scopes for a listing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { compareEnvironments, Project, readScopes, readSelection } from '../../src/vault';
import { compare } from '../measure';
import { ratioResult, type BenchResult } from '../result';
import { makeVault, type BenchVault } from '../fixtures';

const CLI = path.resolve('dist/cli.js');

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@e', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args[0]}: ${r.stderr}`);
}

/** 5,000 text files (a few holding a vault value), committed, in the vault's folder. */
async function tree(v: BenchVault, files: number): Promise<string> {
  const stores = await readScopes(Project.open(v.root, v.host));
  const values = [...stores.values()].flatMap((s) => [...s.secrets.values()].map((x) => x.value));
  git(v.root, 'init', '-q');
  for (let i = 0; i < files; i++) {
    const dir = path.join(v.root, 'src', `d${i % 50}`);
    fs.mkdirSync(dir, { recursive: true });
    const leak = i % 1000 === 0 ? `const k = "${values[i]!}";\n` : '';
    fs.writeFileSync(path.join(dir, `f${i}.ts`), `// file ${i}\n${leak}${randomBytes(900).toString('base64')}\n`);
  }
  git(v.root, 'add', '-A');
  git(v.root, 'commit', '-qm', 'tree');
  // the baseline's pattern file: the searchable values, as a person would hand them to grep
  const patterns = path.join(v.root, '..', `patterns-${path.basename(v.root)}.txt`);
  fs.writeFileSync(patterns, values.filter((x) => x.length >= 8 && x !== 'true' && x !== 'false').join('\n') + '\n', {
    mode: 0o600,
  });
  return patterns;
}

export async function benchScan(): Promise<BenchResult> {
  const v = await makeVault(100, ['development', 'staging', 'production'], 100); // 30,000 secrets
  const patterns = await tree(v, 5000);
  const env = { ...process.env, KAGI_HOME: v.host.home };
  const scan = () => {
    const r = spawnSync(process.execPath, [CLI, 'scan'], { cwd: v.root, env, encoding: 'utf8' });
    if (r.status !== 1) throw new Error(`kagi scan exited ${r.status}: ${r.stderr}`);
  };
  const grep = () => {
    const r = spawnSync('git', ['grep', '-F', '-f', patterns, '-n', '--column'], { cwd: v.root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git grep exited ${r.status}`);
  };
  // git grep -F with ~20,000 patterns takes minutes here: three runs, no warm-up
  const r = await compare(scan, grep, { runs: 3, warmup: 0 });
  fs.rmSync(patterns, { force: true });
  return ratioResult('scan_vs_git_grep', r.ratio, `git grep -F -f: ${r.baseline.medianMs.toFixed(0)} ms`, 1.5, {
    scan_ms: r.subject.medianMs,
    git_grep_ms: r.baseline.medianMs,
  });
}

export async function benchMatrix(): Promise<BenchResult> {
  const envs = ['development', 'staging', 'production', 'qa', 'preview', 'sandbox'];
  const v = await makeVault(1, envs, 200);
  const project = Project.open(v.root, v.host);
  const r = await compare(
    () => compareEnvironments(project, 'svc000'),
    () => readSelection(project, { kind: 'service', service: 'svc000' }),
    { runs: 9 },
  );
  return ratioResult(
    'matrix_vs_listing',
    r.ratio,
    `reading the same 6 scopes: ${r.baseline.medianMs.toFixed(1)} ms`,
    undefined,
    {
      matrix_ms: r.subject.medianMs,
      listing_ms: r.baseline.medianMs,
    },
  );
}
