// A real Git repository holding a real vault, driven through dist/cli.js and the real `git`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kagi, kagiOk, type CliResult } from './cli-harness';
import { device, tempDir } from './helpers';

export const CANARY = 'canary-7f3e-DO-NOT-LEAK';

export interface Repo {
  dir: string;
  home: string;
  /** git in the repository as this device (its KAGI_HOME reaches the drivers Git runs) */
  git(args: string[], opts?: { cwd?: string; home?: string }): CliResult;
  gitOk(args: string[], opts?: { cwd?: string; home?: string }): string;
  kagi(args: string[], opts?: { cwd?: string; home?: string; input?: string }): CliResult;
  kagiOk(args: string[], opts?: { cwd?: string; home?: string; input?: string }): string;
  write(rel: string, text: string): void;
  read(rel: string): string;
}

function gitEnv(home: string, gitHome: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: gitHome,
    KAGI_HOME: home,
    USER: 'tester',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Alice Author',
    GIT_AUTHOR_EMAIL: 'alice@example.com',
    GIT_COMMITTER_NAME: 'Alice Author',
    GIT_COMMITTER_EMAIL: 'alice@example.com',
  };
}

/** An empty repository on branch main, a vault owned by a fresh device, nothing committed yet. */
export function newRepo(opts: { vault?: boolean } = {}): Repo {
  const dir = tempDir('kagi-git-');
  const home = device('owner').home;
  const gitHome = tempDir('kagi-git-home-');
  const repo: Repo = {
    dir,
    home,
    git(args, o = {}) {
      const r = spawnSync('git', args, {
        cwd: o.cwd ?? dir,
        env: gitEnv(o.home ?? home, gitHome),
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.error) throw r.error;
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    gitOk(args, o) {
      const r = repo.git(args, o);
      if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    kagi: (args, o = {}) =>
      kagi(args, { cwd: o.cwd ?? dir, home: o.home ?? home, ...(o.input ? { input: o.input } : {}) }),
    kagiOk: (args, o = {}) =>
      kagiOk(args, { cwd: o.cwd ?? dir, home: o.home ?? home, ...(o.input ? { input: o.input } : {}) }).stdout,
    write: (rel, text) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    },
    read: (rel) => fs.readFileSync(path.join(dir, rel), 'utf8'),
  };
  repo.gitOk(['init', '-q', '-b', 'main']);
  if (opts.vault !== false) repo.kagiOk(['init']);
  return repo;
}

export function commitAll(repo: Repo, message: string): void {
  repo.gitOk(['add', '-A']);
  repo.gitOk(['commit', '-q', '-m', message]);
}

/** A second device joins: request on its device, approve as the owner. Returns its home and member id. */
export function addMember(repo: Repo, name: string): { home: string; id: string } {
  const home = device(name).home;
  const out = repo.kagiOk(['member', 'request', '--name', name], { home });
  const id = /kgm_[A-Za-z0-9_-]+/.exec(out)![0];
  repo.kagiOk(['member', 'approve', id]);
  return { home, id };
}

/** Every object in the repository, as Git stores them, searched for a string. */
export function objectsContain(repo: Repo, needle: string): boolean {
  const r = spawnSync('git', ['cat-file', '--batch-all-objects', '--batch'], {
    cwd: repo.dir,
    maxBuffer: 256 * 1024 * 1024,
  });
  return r.stdout.includes(Buffer.from(needle));
}

/** Every file under a folder (e.g. .git/kagi, the device's data folder) searched for a string. */
export function filesContain(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(Buffer.from(needle))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}
