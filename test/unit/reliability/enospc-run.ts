/**
 * Runs inside `unshare -rm` (a private mount namespace, as an unprivileged user): puts a
 * prepared project on a small tmpfs mounted over its own path, fills that file system until
 * `free` bytes are left, runs one command that must fail with ENOSPC, then a read while the
 * disk is still full, copies what the disk then holds out (the mount vanishes with this
 * process), frees the space, runs the next command (`retry`) and copies the result out too.
 * `node --import tsx enospc-run.ts SPEC.json`; writes SPEC's `out`/result.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EnospcSpec {
  /** the prepared project (outside, on an ordinary disk); the tmpfs is mounted over it */
  root: string;
  /** bytes the tmpfs may hold in all */
  size: number;
  /** bytes left free when the command starts (whole pages) */
  free: number;
  /** the failing command, the read on the full disk, the command once space is freed; each run with `cwd` and `env` */
  command: string[];
  read: string[];
  retry: string[];
  cwd: string;
  env: Record<string, string>;
  /** a folder on an ordinary disk: after-fault/, after-retry/, result.json */
  out: string;
}

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface EnospcResult {
  fault: Outcome;
  /** the read while the file system is still full */
  read: Outcome;
  retry: Outcome;
}

const FILLER = '.filler';

function run(spec: EnospcSpec, cmd: string[]): Outcome {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: spec.cwd, env: spec.env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

function mustRun(cmd: string[]): void {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr}`);
}

/** Writes zeros until the file system refuses, then gives back exactly `free` bytes. */
function fill(dir: string, free: number): void {
  const fd = fs.openSync(path.join(dir, FILLER), 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  fs.ftruncateSync(fd, fs.fstatSync(fd).size - free);
  fs.closeSync(fd);
}

function main(): void {
  const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as EnospcSpec;
  const stage = `${spec.root}.stage`;
  fs.cpSync(spec.root, stage, { recursive: true, verbatimSymlinks: true });
  mustRun(['mount', '-t', 'tmpfs', '-o', `size=${spec.size},mode=0700`, 'tmpfs', spec.root]);
  fs.cpSync(stage, spec.root, { recursive: true, verbatimSymlinks: true });
  fs.rmSync(stage, { recursive: true });
  fill(spec.root, spec.free);
  const fault = run(spec, spec.command);
  const read = run(spec, spec.read);
  const copyOut = (name: string) =>
    fs.cpSync(spec.root, path.join(spec.out, name), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => path.basename(src) !== FILLER,
    });
  copyOut('after-fault');
  fs.rmSync(path.join(spec.root, FILLER));
  const retry = run(spec, spec.retry);
  copyOut('after-retry');
  fs.writeFileSync(path.join(spec.out, 'result.json'), JSON.stringify({ fault, read, retry } satisfies EnospcResult));
}

main();
