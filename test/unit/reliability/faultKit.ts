// What every fault test (issue 16, "Faults") runs and checks: a command started under a
// fault (a file size limit, no right to write a folder, a full file system), and the
// promises after it failed: a clear error without a value, every value still there, no temp
// file left behind.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostEnv } from '../../../src/vault/device/dataDir';
import { Project } from '../../../src/vault/project/project';
import { displayName, listFiles, readFileArtifact } from '../../../src/vault/usecases/files';
import { readScopes } from '../../../src/vault/usecases/secrets';
import { CLI, ensureCli } from './support';

/** `prlimit --fsize`: the kernel refuses a file past `bytes` (EFBIG after a partial write). */
export const fsize = (bytes: number): string[] => ['prlimit', `--fsize=${bytes}`];

/** A read-only folder binds root too once it lacks the capability to override file modes. */
export const unprivileged: string[] =
  process.getuid?.() === 0 ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search'] : [];

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `prefix… cmd…` with only PATH, KAGI_HOME, HOME and USER of `home` in its environment. */
export function runUnder(prefix: string[], cmd: string[], opts: { cwd: string; home: string }): Run {
  const all = [...prefix, ...cmd];
  const r = spawnSync(all[0]!, all.slice(1), {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, KAGI_HOME: opts.home, HOME: opts.home, USER: 'alice' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `node dist/cli.js …` (built once per run) under `prefix`. */
export function cliUnder(prefix: string[], args: string[], opts: { cwd: string; home: string }): Run {
  ensureCli();
  return runUnder(prefix, [process.execPath, CLI, ...args], opts);
}

/** A value as the fault tests compare it: its length and digest (a failed deepEqual prints no value). */
export const digest = (value: string | Uint8Array): string =>
  `${value.length}:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;

/** Every secret and every encrypted file's bytes (as `digest`s), by scope: what "every value it had" means. */
export async function vaultValues(root: string, host: HostEnv): Promise<Record<string, Record<string, string>>> {
  const project = Project.open(root, host);
  const out: Record<string, Record<string, string>> = {};
  for (const [scope, store] of await readScopes(project)) {
    out[scope] = Object.fromEntries([...store.secrets].map(([k, s]) => [k, digest(s.value)]));
  }
  for (const e of await listFiles(project)) {
    const { bytes } = await readFileArtifact(project, e.scope, `repo:${e.restore_path}`, root);
    (out[`files ${e.scope}`] ??= {})[displayName(e)] = digest(bytes);
  }
  return out;
}

/** Temp files of an atomic write (`.<name>.<hex>.tmp` in the vault, `<name>.<hex>.tmp` outside). */
const TEMP = /\.[0-9a-f]{12}\.tmp$/;

export function tempFiles(...dirs: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (TEMP.test(e.name)) hits.push(p);
    }
  };
  dirs.filter((d) => fs.existsSync(d)).forEach(walk);
  return hits;
}

/**
 * A clear error: exit 1, a line naming what could not be written and why (the errno), then a
 * hint (the CLI's `hint:` line, or ` — hint` in one line); no stack trace, and none of
 * `secrets` anywhere in the output.
 */
export function assertClearError(r: Run, errno: string, secrets: string[]): void {
  assert.equal(r.code, 1, `expected a failure, got ${r.code}: ${r.stderr}${r.stdout}`);
  assert.match(
    r.stderr,
    new RegExp(`could not (write|create folder|create lock|update) \\S+ \\(${errno}\\)( — |\\n  hint: )\\S`),
    r.stderr,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /, `a stack trace: ${r.stderr}`);
  for (const s of secrets) assert.ok(!(r.stdout + r.stderr).includes(s), 'the output quotes a value');
}
