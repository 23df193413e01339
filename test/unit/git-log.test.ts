import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt } from './cli-harness';
import { addMember, CANARY, commitAll, filesContain, newRepo, type Repo } from './git-harness';
import { tempDir } from './helpers';

function setStdin(repo: Repo, scope: string[], key: string, value: string): void {
  repo.kagiOk(['set', ...scope, key, '--stdin'], { input: value });
}

/** Three commits on api/development and one on web/development. */
function history(): Repo {
  const repo = newRepo();
  setStdin(repo, ['api'], 'A', `${CANARY}-1`);
  setStdin(repo, ['api'], 'B', `${CANARY}-2`);
  commitAll(repo, 'add A and B');
  setStdin(repo, ['api'], 'A', `${CANARY}-3`);
  setStdin(repo, ['web'], 'W', `${CANARY}-4`);
  commitAll(repo, 'change A, add W');
  repo.kagiOk(['unset', 'api', 'B', '--yes']);
  commitAll(repo, 'remove B');
  return repo;
}

/** `kagi log` output as [subject, scope, change] triples, newest first. */
function parse(out: string): string[] {
  const rows: string[] = [];
  let subject = '';
  let scope = '';
  for (const line of out.split('\n')) {
    if (/^ {4}[+~-] /.test(line)) rows.push(`${subject} | ${scope} | ${line.trim()}`);
    else if (/^ {4}\S/.test(line)) subject = line.trim();
    else if (/^ {2}\S/.test(line)) scope = line.trim();
  }
  return rows;
}

describe('kagi log', function () {
  this.timeout(180_000);
  before(ensureCliBuilt);

  it('lists the commits that changed keys, newest first, with author and date, never a value', () => {
    const repo = history();
    const out = repo.kagiOk(['log']);
    assert.ok(!out.includes(CANARY));
    assert.deepEqual(parse(out), [
      'remove B | api/development | - B',
      'change A, add W | api/development | ~ A',
      'change A, add W | web/development | + W',
      'add A and B | api/development | + A',
      'add A and B | api/development | + B',
    ]);
    assert.match(out, /^[0-9a-f]{12} {2}\d{4}-\d\d-\d\dT\S+ {2}Alice Author$/m);
    // The second run reads names and fingerprints from the device's cache, and agrees.
    const cacheDir = path.join(repo.home, 'git-log');
    const files = fs
      .readdirSync(cacheDir)
      .filter((f) => !f.endsWith('.walks'))
      .sort();
    assert.equal(files.length, 2);
    assert.match(files[0]!, /\.changes\.json$/);
    for (const f of files) assert.match(fs.readFileSync(path.join(cacheDir, f), 'utf8'), /"A"/);
    assert.equal(repo.kagiOk(['log']), out);
    // The changes file alone answers a repeated log; the revisions' digests are not needed.
    fs.writeFileSync(path.join(cacheDir, files[1]!), '{}');
    assert.equal(repo.kagiOk(['log']), out);
    assert.equal(fs.readFileSync(path.join(cacheDir, files[1]!), 'utf8'), '{}');
    assert.deepEqual(filesContain(repo.home, CANARY), []);
  });

  it('filters by service, scope and key', () => {
    const repo = history();
    assert.deepEqual(parse(repo.kagiOk(['log', 'web'])), ['change A, add W | web/development | + W']);
    assert.deepEqual(parse(repo.kagiOk(['log', 'api', 'development', 'A'])), [
      'change A, add W | api/development | ~ A',
      'add A and B | api/development | + A',
    ]);
  });

  it('a rotation alone is not a change; a removed device sees which revisions it cannot open', () => {
    const repo = history();
    const bob = addMember(repo, 'bob');
    commitAll(repo, 'bob joins');
    repo.kagiOk(['member', 'remove', bob.id, '--yes']);
    commitAll(repo, 'rotate');
    setStdin(repo, ['api'], 'A', `${CANARY}-5`);
    commitAll(repo, 'after rotation');
    const rows = parse(repo.kagiOk(['log', 'api']));
    assert.deepEqual(rows.slice(0, 2), ['after rotation | api/development | ~ A', 'remove B | api/development | - B']);
    const asBob = repo.kagiOk(['log', 'api'], { home: bob.home });
    assert.match(asBob, /after rotation\n {2}api\/development: \(this device cannot open this revision\)/);
    assert.match(asBob, /remove B\n {2}api\/development\n {4}- B/);
  });

  it('merges show what they brought; detached HEAD, sub-folder and shallow clones work', () => {
    const repo = history();
    repo.gitOk(['checkout', '-q', '-b', 'side', 'HEAD~1']);
    setStdin(repo, ['api'], 'S', `${CANARY}-s`);
    commitAll(repo, 'side');
    repo.gitOk(['checkout', '-q', 'main']);
    repo.kagiOk(['git', 'setup']);
    setStdin(repo, ['api'], 'M', `${CANARY}-m`);
    commitAll(repo, 'main');
    repo.gitOk(['merge', '-q', 'side', '-m', 'merge side']);
    assert.deepEqual(parse(repo.kagiOk(['log', '-n', '1'])), ['merge side | api/development | + S']);
    repo.gitOk(['checkout', '-q', '--detach', 'HEAD~1']);
    const sub = path.join(repo.dir, 'api');
    fs.mkdirSync(sub);
    assert.equal(parse(repo.kagiOk(['log'], { cwd: sub }))[0], 'main | api/development | + M');
    const clone = tempDir('kagi-shallow-');
    repo.gitOk(['clone', '-q', '--depth', '1', `file://${repo.dir}`, clone]);
    const shallow = repo.kagiOk(['log'], { cwd: clone });
    assert.match(shallow, /shallow clone: older history is not in this clone/);
    // Linked worktrees: the clone's shallow file is in the common folder, not in the worktree's.
    const shallowTree = path.join(tempDir('kagi-worktree-'), 'shallow');
    repo.gitOk(['-C', clone, 'worktree', 'add', '-q', shallowTree]);
    assert.match(repo.kagiOk(['log'], { cwd: shallowTree }), /shallow clone: older history is not in this clone/);
    const fullTree = path.join(tempDir('kagi-worktree-'), 'full');
    repo.gitOk(['worktree', 'add', '-q', fullTree]);
    assert.doesNotMatch(repo.kagiOk(['log'], { cwd: fullTree }), /shallow clone/);
    assert.deepEqual(filesContain(repo.home, CANARY), []);
  });

  it('a repeated log reads its walk from the device, a commit since extends it; a merge, a deepened clone or a bad cache walk again', () => {
    const repo = history();
    const expected = parse(repo.kagiOk(['log']));
    const walksDir = path.join(
      repo.home,
      'git-log',
      fs.readdirSync(path.join(repo.home, 'git-log')).find((f) => f.endsWith('.walks'))!,
    );
    const [walkFile, ...others] = fs.readdirSync(walksDir);
    assert.deepEqual(others, []);
    const walks = path.join(walksDir, walkFile!);
    const remembered = fs.readFileSync(walks, 'utf8');
    assert.ok(!remembered.includes(CANARY));
    // Proof that the second run asks Git only for HEAD: an edit of the remembered walk shows.
    fs.writeFileSync(walks, remembered.replace('"remove B"', '"remembered"'));
    assert.deepEqual(parse(repo.kagiOk(['log'])), ['remembered | api/development | - B', ...expected.slice(1)]);
    // A walk with one malformed commit, or a file that is no JSON, is walked again.
    fs.writeFileSync(walks, remembered.replace(/"commit":"[0-9a-f]+"/, '"commit":"HEAD"'));
    assert.deepEqual(parse(repo.kagiOk(['log'])), expected);
    fs.writeFileSync(walks, '{"not json');
    assert.deepEqual(parse(repo.kagiOk(['log'])), expected);
    // A commit on top extends the walk kept for its parent: only the commit since comes from
    // Git, the rest from the device (its edit shows through).
    fs.writeFileSync(walks, remembered.replace('"remove B"', '"remembered"'));
    setStdin(repo, ['web'], 'W', `${CANARY}-6`);
    commitAll(repo, 'change W');
    assert.deepEqual(parse(repo.kagiOk(['log'])), [
      'change W | web/development | ~ W',
      'remembered | api/development | - B',
      ...expected.slice(1),
    ]);
    // A merge since: Git walks all of it (the edit is gone), and agrees with a walk from nothing.
    repo.gitOk(['checkout', '-q', '-b', 'side', 'HEAD~1']);
    setStdin(repo, ['api'], 'S', `${CANARY}-7`);
    commitAll(repo, 'side');
    repo.gitOk(['checkout', '-q', 'main']);
    repo.gitOk(['merge', '-q', '--no-edit', 'side']);
    const fromGit = () => {
      fs.rmSync(walksDir, { recursive: true });
      return repo.kagiOk(['log']);
    };
    const afterMerge = repo.kagiOk(['log']);
    assert.ok(!afterMerge.includes('remembered'));
    assert.equal(fromGit(), afterMerge);
    // Three commits on the merge: extended, and the same as Git's own walk.
    for (const n of [8, 9, 10]) {
      setStdin(repo, ['api'], 'A', `${CANARY}-${n}`);
      commitAll(repo, `change A ${n}`);
    }
    const extended = repo.kagiOk(['log']);
    assert.match(extended, /change A 10[\s\S]*change A 9[\s\S]*change A 8[\s\S]*side\n/);
    assert.equal(fromGit(), extended);
    // Past 32 walks, the newest 24 are kept.
    const old = Array.from({ length: 40 }, (_, i) => path.join(walksDir, `${String(i).padStart(64, '0')}.json`));
    for (const [i, f] of old.entries()) {
      fs.writeFileSync(f, '[]');
      fs.utimesSync(f, 1_000_000 + i, 1_000_000 + i);
    }
    setStdin(repo, ['web'], 'W', `${CANARY}-11`);
    commitAll(repo, 'change W again');
    assert.equal(parse(repo.kagiOk(['log']))[0], 'change W again | web/development | ~ W');
    const kept = fs.readdirSync(walksDir);
    assert.equal(kept.length, 24);
    assert.deepEqual(
      old.filter((f) => !kept.includes(path.basename(f))),
      old.slice(0, 18),
    );
    // A clone deepened at the same HEAD walks further than its first, shallow walk.
    const clone = tempDir('kagi-deepen-');
    repo.gitOk(['clone', '-q', '--depth', '1', `file://${repo.dir}`, clone]);
    const subjects = () => [...new Set(parse(repo.kagiOk(['log'], { cwd: clone })).map((r) => r.split(' | ')[0]))];
    assert.deepEqual(subjects(), ['change W again']);
    repo.gitOk(['fetch', '-q', '--deepen=1'], { cwd: clone });
    assert.deepEqual(subjects(), ['change W again', 'change A 10']);
  });

  it('a replace ref cannot rewrite the history kagi log shows', () => {
    const repo = history();
    const forged = repo.gitOk(['cat-file', 'commit', 'HEAD']).replace('remove B', 'forged');
    const id = spawnSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
      cwd: repo.dir,
      input: forged,
      encoding: 'utf8',
    });
    repo.gitOk(['replace', 'HEAD', id.stdout.trim()]);
    assert.equal(repo.gitOk(['log', '-1', '--format=%s']).trim(), 'forged');
    assert.equal(parse(repo.kagiOk(['log']))[0], 'remove B | api/development | - B');
  });
});
