// The Git integration against Git on plaintext twins of the same data (docs/git.md).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, setSecrets } from '../../src/vault';
import { storeCommits } from '../../src/vault/git/history';
import { makeVault, secretValue, tempDir, type BenchVault } from '../fixtures';
import { compare } from '../measure';
import { CLI_WARMUP } from './cliRun';
import { medians, ratioResult, type BenchResult } from '../result';

const CLI = path.resolve('dist/cli.js');

function run(cmd: string, args: string[], cwd: string, home: string, extraEnv: Record<string, string> = {}): string {
  const env = {
    ...extraEnv,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    KAGI_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && !(cmd === 'git' && args[0] === 'merge-file')) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return r.stdout;
}

const git = (v: BenchVault, ...args: string[]) => run('git', args, v.root, v.host.home);
const kagiWith =
  (extraEnv: Record<string, string>) =>
  (v: BenchVault, ...args: string[]) =>
    run(process.execPath, [CLI, ...args], v.root, v.host.home, extraEnv);
const kagi = kagiWith({});
/** The same, compiling the bundles at start instead of loading them from the V8 code cache. */
const kagiCompiling = kagiWith({ KAGI_NO_CODE_CACHE: '1' });

/**
 * What the V8 code cache saves on one command: the same kagi command with the cache (warm: the
 * bench's earlier runs wrote it) against KAGI_NO_CODE_CACHE=1, alternating in one window.
 */
async function codeCacheGain(
  id: string,
  command: (kagiRun: typeof kagi) => unknown,
  opts: { runs: number; before?: () => unknown },
): Promise<BenchResult> {
  const r = await compare(
    () => command(kagi),
    () => command(kagiCompiling),
    { warmup: CLI_WARMUP, ...opts },
  );
  return ratioResult(
    id,
    r.ratio,
    `the same command compiling the bundles (KAGI_NO_CODE_CACHE=1): ${r.baseline.medianMs.toFixed(1)} ms`,
    undefined,
    medians(r),
  );
}

/** The scope's plaintext as a .env-like file (the twin Git diffs and merges without Kagi). */
async function twinText(v: BenchVault, scope: string): Promise<string> {
  const project = Project.open(v.root, v.host);
  const cfg = project.config();
  const store = project.readScope(cfg, scope, (await project.key(cfg)).key);
  return [...store.secrets.values()].map((s) => `${s.key}="${s.value}"`).join('\n') + '\n';
}

async function gitVault(keys: number): Promise<BenchVault & { store: string }> {
  const v = await makeVault(1, [], keys);
  git(v, 'init', '-q', '-b', 'main');
  kagi(v, 'git', 'setup');
  fs.writeFileSync(path.join(v.root, 'twin.txt'), await twinText(v, v.scopes[0]!));
  git(v, 'add', '-A');
  git(v, 'commit', '-q', '-m', 'base');
  return { ...v, store: `.kagi/secrets/${v.scopes[0]}.enc` };
}

export async function benchTextconv(): Promise<BenchResult> {
  const v = await gitVault(1000);
  const shown = git(v, 'show', '--textconv', `HEAD:${v.store}`);
  if (shown.split('\n').length < 1001) throw new Error('textconv did not list 1,000 keys');
  const r = await compare(
    () => git(v, 'show', '--textconv', `HEAD:${v.store}`),
    () => git(v, 'show', 'HEAD:twin.txt'),
    { runs: 9, warmup: CLI_WARMUP },
  );
  return ratioResult(
    'textconv_vs_git_show',
    r.ratio,
    `git show of the 1,000-key plaintext twin: ${r.baseline.medianMs.toFixed(1)} ms`,
    undefined,
    medians(r),
  );
}

export async function benchMergeDriver(): Promise<BenchResult[]> {
  const v = await gitVault(1000);
  const scope = v.scopes[0]!;
  const dir = tempDir('merge');
  const side = async (name: string, key: string) => {
    await setSecrets(Project.open(v.root, v.host), scope, [{ key, value: secretValue(7) }]);
    fs.copyFileSync(path.join(v.root, v.store), path.join(dir, `${name}.enc`));
    fs.writeFileSync(path.join(dir, `${name}.env`), await twinText(v, scope));
  };
  fs.copyFileSync(path.join(v.root, v.store), path.join(dir, 'base.enc'));
  fs.copyFileSync(path.join(v.root, 'twin.txt'), path.join(dir, 'base.env'));
  await side('ours', 'SECRET_001');
  git(v, 'checkout', '-q', '--', '.');
  await side('theirs', 'SECRET_900');
  const f = (n: string) => path.join(dir, n);
  const driver = (kagiRun: typeof kagi) =>
    kagiRun(v, 'git', 'merge-driver', 'store', f('base.enc'), f('result.enc'), f('theirs.enc'), v.store);
  const before = () => {
    fs.copyFileSync(f('ours.enc'), f('result.enc'));
    fs.copyFileSync(f('ours.env'), f('result.env'));
  };
  const mergeFile = () => git(v, 'merge-file', f('result.env'), f('base.env'), f('theirs.env'));
  const r = await compare(() => driver(kagi), mergeFile, { runs: 9, warmup: CLI_WARMUP, before });
  return [
    ratioResult(
      'merge_driver_vs_merge_file',
      r.ratio,
      `git merge-file of the 1,000-line plaintext twins: ${r.baseline.medianMs.toFixed(1)} ms`,
      3,
      medians(r),
    ),
    await codeCacheGain('merge_driver_code_cache_vs_none', driver, { runs: 9, before }),
    ...(await mergeDriverFloor(v, () => driver(kagi), mergeFile, before)),
  ];
}

/**
 * Where `merge_driver_vs_merge_file` stands against the least any driver in Node costs: a bare
 * `node` started the same way (spawnSync, the same environment) and doing nothing. Two reports:
 * the bare start against `git merge-file` (above 3, no Node program meets the goal) and the
 * driver against the bare start (what the driver itself adds: its own work, measurable and
 * improvable).
 */
async function mergeDriverFloor(
  v: BenchVault,
  driver: () => unknown,
  mergeFile: () => unknown,
  before: () => void,
): Promise<BenchResult[]> {
  const bareNode = () => run(process.execPath, ['-e', ''], v.root, v.host.home);
  const start = await compare(bareNode, mergeFile, { runs: 9, warmup: CLI_WARMUP, before });
  const above = await compare(driver, bareNode, { runs: 9, warmup: CLI_WARMUP, before });
  return [
    ratioResult(
      'node_start_vs_merge_file',
      start.ratio,
      `git merge-file of the 1,000-line plaintext twins: ${start.baseline.medianMs.toFixed(1)} ms (the floor of merge_driver_vs_merge_file for a Node program)`,
      undefined,
      medians(start),
    ),
    ratioResult(
      'merge_driver_vs_node_start',
      above.ratio,
      `a bare node started the same way, doing nothing: ${above.baseline.medianMs.toFixed(1)} ms`,
      undefined,
      medians(above),
    ),
  ];
}

export async function benchLog(): Promise<BenchResult[]> {
  const v = await gitVault(50);
  const scope = v.scopes[0]!;
  const project = Project.open(v.root, v.host);
  for (let i = 0; i < 200; i++) {
    await setSecrets(project, scope, [
      { key: `SECRET_${String(i % 50).padStart(3, '0')}`, value: `${secretValue(i)}-${i}` },
    ]);
    fs.writeFileSync(path.join(v.root, 'twin.txt'), await twinText(v, scope));
    git(v, 'commit', '-q', '-a', '-m', `change ${i}`);
  }
  const out = kagi(v, 'log');
  if ((out.match(/^ {4}~ /gm) ?? []).length !== 200) throw new Error('kagi log did not list 200 changes');
  const r = await compare(
    () => kagi(v, 'log'),
    () => git(v, 'log', '-p', '--', 'twin.txt'),
    { runs: 7, warmup: CLI_WARMUP },
  );
  // A phase of kagi log, for reading the miss: its one `git log --raw` (and the parse of its
  // output), run from this process, against the same baseline.
  const gitPhase = await compare(
    async () => storeCommits(v.root, '.kagi/secrets', 1000),
    () => git(v, 'log', '-p', '--', 'twin.txt'),
    { runs: 7 },
  );
  // The first log after a commit (here an empty one, before each side): the device knows no walk
  // from the new HEAD yet, and extends the one kept for an ancestor (src/vault/git/walkCache.ts).
  const newCommit = await compare(
    () => kagi(v, 'log'),
    () => git(v, 'log', '-p', '--', 'twin.txt'),
    { runs: 7, warmup: CLI_WARMUP, before: () => git(v, 'commit', '-q', '--allow-empty', '-m', 'no vault change') },
  );
  return [
    ratioResult(
      'log_vs_git_log_p',
      r.ratio,
      `git log -p of the plaintext twin over 201 commits: ${r.baseline.medianMs.toFixed(1)} ms`,
      3,
      medians(r),
    ),
    ratioResult(
      'log_git_phase_vs_git_log_p',
      gitPhase.ratio,
      `the same git log -p: ${gitPhase.baseline.medianMs.toFixed(1)} ms (subject: kagi log's own git log --raw of .kagi/secrets)`,
      undefined,
      medians(gitPhase),
    ),
    ratioResult(
      'log_new_commit_vs_git_log_p',
      newCommit.ratio,
      `the same git log -p, each side after a new commit: ${newCommit.baseline.medianMs.toFixed(1)} ms (subject: kagi log whose walk is not known yet: an ancestor's is extended)`,
      undefined,
      medians(newCommit),
    ),
    await codeCacheGain('log_code_cache_vs_none', (kagiRun) => kagiRun(v, 'log'), { runs: 7 }),
  ];
}
