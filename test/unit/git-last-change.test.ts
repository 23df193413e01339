import * as assert from 'node:assert/strict';
import { ensureCliBuilt } from './cli-harness';
import { addMember, CANARY, commitAll, filesContain, newRepo, type Repo } from './git-harness';
import { keyLastChanges, openVault, type KeyLastChange, type LastChangeMemo } from '../../src/vault';

const set = (repo: Repo, key: string, value: string, home?: string) =>
  repo.kagiOk(['set', 'api', key, '--stdin'], { input: value, ...(home ? { home } : {}) });

function commitAs(repo: Repo, author: string, message: string): string {
  repo.gitOk(['add', '-A']);
  repo.gitOk([
    'commit',
    '-q',
    '--author',
    `${author} <${author.split(' ')[0]!.toLowerCase()}@example.com>`,
    '-m',
    message,
  ]);
  return repo.gitOk(['rev-parse', 'HEAD']).trim();
}

const project = (repo: Repo, home = repo.home) => openVault(repo.dir, { env: { KAGI_HOME: home, USER: 'tester' } });

/** The answer as "KEY: who (subject)" lines, so a failure shows every key at once. */
function summary(keys: Map<string, KeyLastChange>): string[] {
  return [...keys]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, c]) => {
      switch (c.kind) {
        case 'commit':
          return `${k}: ${c.author} (${c.subject})`;
        case 'worktree':
          return `${k}: working tree`;
        case 'older':
          return `${k}: older than ${c.depth}`;
        case 'unreadable':
          return `${k}: unreadable at ${c.commit.slice(0, 7)}`;
      }
    });
}

describe('the last change of each key (the tree tooltip)', function () {
  this.timeout(180_000);
  before(ensureCliBuilt);

  it('names the newest commit that added or changed each key, and uncommitted changes', async () => {
    const repo = newRepo();
    set(repo, 'A', `${CANARY}-1`);
    set(repo, 'B', `${CANARY}-2`);
    set(repo, 'C', `${CANARY}-3`);
    commitAs(repo, 'Ann Early', 'add A B C');
    set(repo, 'B', `${CANARY}-4`);
    const bobCommit = commitAs(repo, 'Bob Later', 'rotate B');
    repo.write('README', 'unrelated\n');
    commitAs(repo, 'Cid Unrelated', 'docs only');
    set(repo, 'C', `${CANARY}-5`);
    set(repo, 'D', `${CANARY}-6`);
    const r = await keyLastChanges(project(repo), 'api/development');
    assert.equal(r.unavailable, undefined);
    assert.deepEqual(summary(r.keys), [
      'A: Ann Early (add A B C)',
      'B: Bob Later (rotate B)',
      'C: working tree',
      'D: working tree',
    ]);
    const b = r.keys.get('B');
    assert.ok(b?.kind === 'commit' && b.commit === bobCommit && /^\d{4}-\d\d-\d\dT/.test(b.date));
    // Only names and fingerprints reach the device's data folder.
    assert.deepEqual(filesContain(repo.home, CANARY), []);
  });

  it('is bounded: keys not changed within the last N commits of the store say so', async () => {
    const repo = newRepo();
    set(repo, 'OLD', `${CANARY}-old`);
    commitAs(repo, 'Ann Early', 'old');
    for (let i = 0; i < 3; i++) {
      set(repo, 'HOT', `${CANARY}-hot-${i}`);
      commitAs(repo, 'Bob Busy', `hot ${i}`);
    }
    const r = await keyLastChanges(project(repo), 'api/development', { depth: 2 });
    assert.deepEqual(summary(r.keys), ['HOT: Bob Busy (hot 2)', 'OLD: older than 2']);
  });

  it('answers from the memo until HEAD or the store changes', async () => {
    const repo = newRepo();
    set(repo, 'A', `${CANARY}-1`);
    const memo: LastChangeMemo = new Map();
    const p = project(repo);
    const first = await keyLastChanges(p, 'api/development', { memo });
    assert.deepEqual(summary(first.keys), ['A: working tree']);
    assert.equal(await keyLastChanges(p, 'api/development', { memo }), first);
    commitAs(repo, 'Ann Early', 'add A');
    assert.deepEqual(summary((await keyLastChanges(p, 'api/development', { memo })).keys), ['A: Ann Early (add A)']);
    assert.equal(memo.size, 2);
  });

  it('a rotation alone changes no key', async () => {
    const repo = newRepo();
    set(repo, 'A', `${CANARY}-1`);
    commitAs(repo, 'Ann Early', 'add A');
    const bob = addMember(repo, 'bob');
    commitAll(repo, 'bob joins');
    repo.kagiOk(['member', 'remove', bob.id, '--yes']);
    commitAs(repo, 'Ann Early', 'rotate');
    assert.deepEqual(summary((await keyLastChanges(project(repo), 'api/development')).keys), ['A: Ann Early (add A)']);
  });

  it('outside Git, or for a scope without a store, there is no answer rather than an error', async () => {
    const repo = newRepo();
    set(repo, 'A', `${CANARY}-1`);
    assert.equal((await keyLastChanges(project(repo), 'api/staging')).unavailable, 'no-store');
    repo.gitOk(['init', '-q']); // still a repository: now remove it
    const fs = await import('node:fs');
    fs.rmSync(`${repo.dir}/.git`, { recursive: true, force: true });
    assert.equal((await keyLastChanges(project(repo), 'api/development')).unavailable, 'not-in-git');
  });
});
