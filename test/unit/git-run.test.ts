// Reading Git without a Git process where the repository answers for itself (the top folder,
// shallow or not), and many blobs in one process: each must agree with Git's own answer.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { headCommit } from '../../src/vault/git/head';
import { blobIdLike } from '../../src/vault/git/objectId';
import { isShallow } from '../../src/vault/git/history';
import { gitRaw, gitRawAsync, gitTopLevel, readBlob, readBlobs } from '../../src/vault/git/run';
import { tempDir } from './helpers';

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'A',
      GIT_COMMITTER_EMAIL: 'a@example.com',
    },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function repo(): string {
  const dir = tempDir('kagi-git-run-');
  git(dir, 'init', '-q', '-b', 'main');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'f'), 'x\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'one');
  return dir;
}

describe('git: answers without a Git process agree with Git', () => {
  it('the top folder, from the top, a sub-folder, a linked worktree and through a link', () => {
    const dir = repo();
    const real = git(dir, 'rev-parse', '--show-toplevel');
    assert.equal(gitTopLevel(dir), real);
    assert.equal(gitTopLevel(path.join(dir, 'sub')), real);
    const wt = path.join(tempDir('kagi-git-wt-'), 'wt');
    git(dir, 'worktree', 'add', '-q', wt);
    assert.equal(gitTopLevel(wt), git(wt, 'rev-parse', '--show-toplevel'));
    const link = path.join(tempDir('kagi-git-link-'), 'link');
    fs.symlinkSync(dir, link);
    assert.equal(gitTopLevel(link), real, 'the real path, as Git gives it');
    assert.equal(gitTopLevel(tempDir('kagi-not-git-')), undefined);
  });

  it('an empty .git folder is not a repository: Git is asked', () => {
    const outer = repo();
    const inner = path.join(outer, 'sub');
    fs.mkdirSync(path.join(inner, '.git'));
    assert.equal(gitTopLevel(inner), git(outer, 'rev-parse', '--show-toplevel'));
  });

  it("someone else's repository: Git is asked, and its refusal (dubious ownership) is the answer", () => {
    const dir = repo();
    const gitAnswer = () => {
      const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' });
      return r.status === 0 ? r.stdout.trim() : undefined;
    };
    // As root (CI, this machine) the folder can be given to another user; Git then refuses it.
    if (process.getuid?.() === 0) {
      spawnSync('chown', ['-R', '54321:54321', path.join(dir, '.git')]);
      assert.equal(gitAnswer(), undefined, 'git refuses a repository another user owns');
    }
    assert.equal(gitTopLevel(dir), gitAnswer());
  });

  it('shallow or not, as `git rev-parse --is-shallow-repository` says', () => {
    const dir = repo();
    fs.writeFileSync(path.join(dir, 'sub', 'f'), 'y\n');
    git(dir, 'commit', '-q', '-am', 'two');
    assert.equal(isShallow(dir), false);
    const clone = path.join(tempDir('kagi-git-clone-'), 'c');
    git(dir, 'clone', '-q', '--depth', '1', `file://${dir}`, clone);
    assert.equal(git(clone, 'rev-parse', '--is-shallow-repository'), 'true');
    assert.equal(isShallow(clone), true);
  });

  it("HEAD's commit: a branch, detached, packed, a symbolic ref, a worktree, an empty repository", () => {
    const dir = repo();
    const commonDir = path.join(dir, '.git');
    const same = (cwd: string, common = commonDir) =>
      assert.deepEqual(headCommit(cwd), { commit: git(cwd, 'rev-parse', 'HEAD'), commonDir: common });
    same(dir);
    fs.writeFileSync(path.join(dir, 'sub', 'f'), 'z\n');
    git(dir, 'commit', '-q', '-am', 'two');
    same(dir);
    git(dir, 'checkout', '-q', '--detach', 'HEAD~1');
    same(dir);
    git(dir, 'checkout', '-q', 'main');
    // The loose ref gone into packed-refs, then a stale loose one over it: Git's rule, loose first.
    git(dir, 'pack-refs', '--all');
    assert.equal(fs.existsSync(path.join(dir, '.git', 'refs', 'heads', 'main')), false);
    same(dir);
    fs.writeFileSync(path.join(dir, '.git', 'refs', 'heads', 'main'), `${git(dir, 'rev-parse', 'HEAD~1')}\n`);
    same(dir);
    git(dir, 'branch', 'other');
    git(dir, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/other');
    git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/alias');
    same(dir);
    const wt = path.join(tempDir('kagi-git-wt-'), 'wt');
    git(dir, 'worktree', 'add', '-q', '--detach', wt, 'HEAD');
    same(wt, fs.realpathSync(commonDir));
    const empty = tempDir('kagi-git-empty-');
    git(empty, 'init', '-q', '-b', 'main');
    assert.equal(headCommit(empty), undefined);
    // A HEAD naming a file outside refs/heads/ is never read by hand: the id planted there is not the answer.
    const planted = '1'.repeat(40);
    fs.writeFileSync(path.join(dir, 'planted'), `${planted}\n`);
    for (const ref of ['refs/heads/../../../planted', 'refs/heads/..\\..\\..\\planted']) {
      fs.writeFileSync(path.join(dir, '.git', 'HEAD'), `ref: ${ref}\n`);
      assert.notEqual(headCommit(dir)?.commit, planted);
    }
  });

  it("a blob's id, hashed here, is the one `git hash-object` gives, in SHA-1 and SHA-256 repositories", () => {
    const samples = [Buffer.alloc(0), Buffer.from('a\r\nb\n'), randomBytes(4099), Buffer.from('blob 3\0abc')];
    for (const format of ['sha1', 'sha256']) {
      const dir = tempDir('kagi-git-format-');
      git(dir, 'init', '-q', `--object-format=${format}`);
      // Attributes and end-of-line settings don't apply to --stdin (no --path): nor to ours.
      fs.writeFileSync(path.join(dir, '.gitattributes'), '* text eol=crlf\n');
      git(dir, 'config', 'core.autocrlf', 'true');
      // Any object id of the repository names its format: here the empty blob's.
      const sample = git(dir, 'hash-object', '--stdin');
      assert.equal(sample.length, format === 'sha1' ? 40 : 64);
      for (const bytes of samples) {
        const r = spawnSync('git', ['hash-object', '--stdin'], { cwd: dir, input: bytes, encoding: 'utf8' });
        assert.equal(blobIdLike(sample, bytes), r.stdout.trim(), `${format}, ${bytes.length} bytes`);
      }
    }
  });

  it('many blobs in one process: the same bytes as one by one, missing ids left out', () => {
    const dir = repo();
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) {
      // Binary content with newlines and spaces: the batch parser must go by sizes, not lines.
      const bytes = Buffer.concat([Buffer.from(`blob ${i}\n \n`), Buffer.alloc(i, i % 256), Buffer.from('\n')]);
      const r = spawnSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: bytes, encoding: 'utf8' });
      ids.push(r.stdout.trim());
    }
    const missing = 'f'.repeat(40);
    const got = readBlobs(dir, [...ids, missing, 'not-an-id']);
    assert.equal(got.size, ids.length);
    for (const id of ids) assert.deepEqual(got.get(id), readBlob(dir, id));
    assert.equal(got.has(missing), false);
  });
});

describe('git: the two runners, blocking and not, answer alike', () => {
  it('the same output, the same status on a failure, the same error when Git is missing', async () => {
    const dir = repo();
    const log = ['log', '--raw', '--no-abbrev', '--format=%H %s', 'HEAD'];
    const sync = gitRaw(dir, log);
    const async = await gitRawAsync(dir, log);
    assert.equal(async.status, 0);
    assert.ok(async.stdout.length > 0 && async.stdout.equals(sync.stdout));
    const bad = ['rev-parse', '--verify', 'no-such-ref'];
    assert.equal((await gitRawAsync(dir, bad)).status, gitRaw(dir, bad).status);
    assert.notEqual((await gitRawAsync(dir, bad)).status, 0);
    const path = process.env.PATH;
    process.env.PATH = tempDir('kagi-no-git-');
    try {
      assert.throws(() => gitRaw(dir, log), { code: 'git', message: /could not run git log \(ENOENT\)/ });
      await assert.rejects(gitRawAsync(dir, log), { code: 'git', message: /could not run git log \(ENOENT\)/ });
    } finally {
      process.env.PATH = path;
    }
  });
});
