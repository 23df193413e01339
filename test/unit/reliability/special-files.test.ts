/**
 * Issue 16, points 1–3 and 6: special files under every path the tools read or rewrite.
 * Device files, FIFOs, /proc links, dangling links and folders where a file belongs: each
 * is refused with a clear error, at once (a FIFO must not block, /dev/zero must not grow
 * memory), and nothing outside the vault is read into it or written through a link.
 * The corpus (corpus-bounds.ts) covers kagi.json, access.json, stores, the identity, the key
 * file, the key cache and the journal through the vault API; this file covers the readers
 * the corpus cannot reach (the bounded reader itself, files/ artifacts, .env files,
 * .gitignore, the .git file, the lock, `.kagi` itself) and the CLI on the examples.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFileBounded, SMALL_FILE_BYTES, writeFileAtomic } from '../../../src/vault/disk/files';
import { withLock } from '../../../src/vault/disk/lock';
import { readDotenvFile } from '../../../src/vault/dotenv';
import { isGitRoot, updateGitignore } from '../../../src/vault/git/ignore';
import { readArtifact, readArtifactIndex } from '../../../src/vault/project/artifacts';
import { Project } from '../../../src/vault/project/project';
import { markStaging } from '../../../src/vault/project/journal';
import { stagingPath } from '../../../src/vault/device/dataDir';
import { initProject } from '../../../src/vault/usecases/init';
import { readScopes, setSecrets } from '../../../src/vault/usecases/secrets';
import { planExport, writeExport } from '../../../src/vault/usecases/dotenv';
import { CERT_ID, device, tempDir, writeCertArtifact } from '../helpers';
import { assertKagiError, rmTree, runCli, treeDigest, withTimeout } from './support';

/** A hang guard (a FIFO opened blocking, a lock that spins): not a speed check. */
const HANG_MS = 10_000;

const LINK = /is a symbolic link; kagi does not read or rewrite files through links/;

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

function expectError(fn: () => unknown, code: string, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assertKagiError(error, [code], message);
}

/**
 * What taking `lock` fails with. A long timeout: the error must come from the lock itself,
 * not from the deadline (the hang guard stops a spin).
 */
async function lockFailure(lock: string): Promise<unknown> {
  try {
    await withTimeout(
      withLock(lock, async () => 1, { timeoutMs: 60_000 }),
      HANG_MS,
      'lock',
    );
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('reliability: special files (issue 16)', function () {
  this.timeout(60_000);
  const scratch: string[] = [];
  const dir = (prefix: string) => {
    const d = tempDir(prefix);
    scratch.push(d);
    return d;
  };
  after(() => scratch.forEach(rmTree));

  describe('the bounded reader', () => {
    it('refuses a FIFO at once instead of blocking on it', async () => {
      const fifo = path.join(dir('kagi-fifo-'), 'pipe');
      mkfifo(fifo);
      await withTimeout(
        Promise.resolve().then(() =>
          expectError(() => readFileBounded(fifo, { followLinks: true }), 'io', /is a named pipe/),
        ),
        HANG_MS,
        'FIFO read',
      );
    });

    it('refuses device files, whose stat size is 0 (/dev/zero would grow without bound)', () => {
      for (const dev of ['/dev/zero', '/dev/urandom', '/dev/null']) {
        expectError(() => readFileBounded(dev, { followLinks: true }), 'io', /is a device, not a regular file/);
      }
    });

    it('caps the bytes actually read: /proc/self/pagemap stats as 0 bytes and yields megabytes', () => {
      assert.equal(fs.statSync('/proc/self/pagemap').size, 0, 'precondition: stat says 0');
      expectError(
        () => readFileBounded('/proc/self/pagemap', { followLinks: true, maxBytes: SMALL_FILE_BYTES }),
        'io',
        /more than 65536 bytes: too large/,
      );
    });

    it('reads exactly the cap, refuses one byte more', () => {
      const d = dir('kagi-cap-');
      fs.writeFileSync(path.join(d, 'at'), Buffer.alloc(1000, 'a'));
      fs.writeFileSync(path.join(d, 'over'), Buffer.alloc(1001, 'a'));
      assert.equal(readFileBounded(path.join(d, 'at'), { maxBytes: 1000 })!.length, 1000);
      expectError(() => readFileBounded(path.join(d, 'over'), { maxBytes: 1000 }), 'io', /too large/);
    });

    it('reads every byte of files around its chunk sizes (first chunk from fstat, then 64 KB)', () => {
      const d = dir('kagi-sizes-');
      for (const size of [0, 1, 7, 8, 9, 4095, 4096, 65535, 65536, 65537, 200_003]) {
        const bytes = crypto.randomBytes(size);
        fs.writeFileSync(path.join(d, `f${size}`), bytes);
        assert.ok(readFileBounded(path.join(d, `f${size}`))!.equals(bytes), `${size} bytes`);
      }
      // stat says 0 and the text is there: read in chunks to its end
      assert.match(readFileBounded('/proc/self/status', { followLinks: true })!.toString(), /^Name:/);
    });

    it('does not follow a link unless told to; a dangling link is a link, not a missing file', () => {
      const d = dir('kagi-link-');
      fs.writeFileSync(path.join(d, 'real'), 'content');
      fs.symlinkSync(path.join(d, 'real'), path.join(d, 'link'));
      fs.symlinkSync('/nonexistent/target', path.join(d, 'dangling'));
      expectError(() => readFileBounded(path.join(d, 'link')), 'io', LINK);
      expectError(() => readFileBounded(path.join(d, 'dangling')), 'io', LINK);
      assert.equal(readFileBounded(path.join(d, 'link'), { followLinks: true })!.toString(), 'content');
      assert.equal(readFileBounded(path.join(d, 'dangling'), { followLinks: true }), undefined);
      assert.equal(readFileBounded(path.join(d, 'missing')), undefined);
      expectError(() => readFileBounded(d), 'io', /is a folder, not a regular file/);
    });

    it('writes refuse to replace a link or a special file (never silently swapped for a regular file)', () => {
      const d = dir('kagi-write-');
      const outside = path.join(dir('kagi-outside-'), 'target');
      fs.writeFileSync(outside, 'theirs');
      fs.symlinkSync(outside, path.join(d, 'link'));
      mkfifo(path.join(d, 'fifo'));
      fs.mkdirSync(path.join(d, 'folder'));
      expectError(() => writeFileAtomic(path.join(d, 'link'), 'x', { mode: 0o600 }), 'io', LINK);
      expectError(() => writeFileAtomic(path.join(d, 'fifo'), 'x', { mode: 0o600 }), 'io', /is a named pipe/);
      expectError(() => writeFileAtomic(path.join(d, 'folder'), 'x', { mode: 0o600 }), 'io', /is a folder/);
      assert.ok(fs.lstatSync(path.join(d, 'link')).isSymbolicLink());
      assert.equal(fs.readFileSync(outside, 'utf8'), 'theirs');
      assert.deepEqual(fs.readdirSync(d).sort(), ['fifo', 'folder', 'link'], 'a temp file was left');
    });
  });

  describe('every path the tools read', () => {
    let root: string;
    let host: ReturnType<typeof device>;

    beforeEach(async () => {
      root = dir('kagi-special-');
      host = device('alice');
      scratch.push(host.home);
      await initProject(root, host);
      await setSecrets(Project.open(root, host), 'api/development', [{ key: 'K', value: 'v' }]);
    });

    it('files/index.enc and artifact blobs: links, FIFOs and folders are refused', async () => {
      const project = Project.open(root, host);
      const cfg = project.config();
      const { key } = await project.key(cfg);
      writeCertArtifact(project, cfg, key);
      const index = project.file('files/index.enc');
      const blob = project.file(`files/${CERT_ID}.enc`);
      for (const [file, read] of [
        [index, () => readArtifactIndex(project, cfg, key)],
        [blob, () => readArtifact(project, cfg, key, CERT_ID)],
      ] as const) {
        const saved = fs.readFileSync(file);
        for (const [make, message] of [
          [() => fs.symlinkSync('/dev/zero', file), LINK],
          [() => fs.symlinkSync('/proc/self/environ', file), LINK],
          [() => mkfifo(file), /is a named pipe/],
          [() => fs.mkdirSync(file), /is a folder, not a regular file/],
        ] as const) {
          fs.rmSync(file, { recursive: true, force: true });
          make();
          await withTimeout(
            Promise.resolve().then(() => expectError(read, 'io', message)),
            HANG_MS,
            `${path.basename(file)}`,
          );
        }
        fs.rmSync(file, { recursive: true, force: true });
        fs.writeFileSync(file, saved);
      }
    });

    it('.env files: a link found in the repository is refused; one the person named with --file is followed', async () => {
      const target = path.join(dir('kagi-envtarget-'), 'shared.env');
      fs.writeFileSync(target, 'SHARED=1\n');
      fs.symlinkSync(target, path.join(root, '.env'));
      expectError(() => readDotenvFile(path.join(root, '.env')), 'io', LINK);
      assert.equal(readDotenvFile(path.join(root, '.env'), { followLinks: true }), 'SHARED=1\n');
      mkfifo(path.join(root, '.env.production'));
      expectError(() => readDotenvFile(path.join(root, '.env.production'), { followLinks: true }), 'io', /named pipe/);
      fs.symlinkSync('/dev/zero', path.join(root, '.env.staging'));
      expectError(() => readDotenvFile(path.join(root, '.env.staging'), { followLinks: true }), 'io', /is a device/);
      const env = { ...host.env };
      const byDefault = await runCli(['import', 'api', 'development'], { cwd: root, env });
      assert.equal(byDefault.code, 1, byDefault.stderr);
      assert.match(byDefault.stderr, LINK);
      const named = await runCli(['import', 'api', 'development', '--file', '.env', '--force'], { cwd: root, env });
      assert.equal(named.code, 0, named.stderr);
      const all = await readScopes(Project.open(root, host), ['api/development']);
      assert.equal(all.get('api/development')!.secrets.get('SHARED')?.value, '1');
    });

    it('export refuses to write through a .env link, leaving its target untouched', async () => {
      const target = path.join(dir('kagi-exporttarget-'), 'theirs.env');
      fs.writeFileSync(target, 'THEIRS=1\n');
      fs.symlinkSync(target, path.join(root, '.env.development'));
      const plan = await planExport(Project.open(root, host), { kind: 'scope', scope: 'api/development' }, root);
      expectError(() => writeExport(plan), 'io', LINK);
      assert.equal(fs.readFileSync(target, 'utf8'), 'THEIRS=1\n');
      assert.ok(fs.lstatSync(path.join(root, '.env.development')).isSymbolicLink());
    });

    it('.gitignore and .git: links and device files are never read into the repository', async () => {
      fs.mkdirSync(path.join(root, '.git'));
      fs.writeFileSync(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
      fs.symlinkSync('/proc/self/environ', path.join(root, '.gitignore'));
      expectError(() => updateGitignore(root), 'io', LINK);
      assert.ok(fs.lstatSync(path.join(root, '.gitignore')).isSymbolicLink(), 'the link was replaced');
      // A worktree's `.git` file that is a link to /dev/zero: not a Git root, and no hang.
      const wt = dir('kagi-wt-');
      fs.symlinkSync('/dev/zero', path.join(wt, '.git'));
      assert.equal(isGitRoot(wt), false);
    });

    it('the lock: a folder or a dangling link fails at once with what it is (no busy loop)', async () => {
      const lock = path.join(root, '.kagi', '.lock');
      for (const [make, what] of [
        [() => fs.mkdirSync(lock), /is a folder, not a kagi lock/],
        [() => fs.symlinkSync('/nonexistent/lock', lock), /is a symbolic link, not a kagi lock/],
        [() => fs.symlinkSync('/dev/zero', lock), /is a symbolic link, not a kagi lock/],
      ] as const) {
        fs.rmSync(lock, { recursive: true, force: true });
        make();
        assertKagiError(await lockFailure(lock), ['locked'], what);
      }
      fs.rmSync(lock, { recursive: true, force: true });
    });

    it('the lock: a committed one dated in the future is named as such at once', async () => {
      const lock = path.join(root, '.kagi', '.lock');
      const at = Date.now() + 365 * 24 * 3600 * 1000;
      fs.writeFileSync(lock, JSON.stringify({ pid: 1, host: 'ci-runner', at }));
      assertKagiError(await lockFailure(lock), ['locked'], /is dated .* in the future: no running kagi wrote it/);
      const r = await runCli(['set', 'api', 'K2', 'v2'], { cwd: root, env: host.env });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /in the future/);
    });

    it("a killed rotation's temps are swept from the vault's own folders, never through a link", async () => {
      const projectId = Project.open(root, host).config().projectId;
      const elsewhere = dir('kagi-elsewhere-');
      const outsideTemp = path.join(elsewhere, '.x.enc.0123456789ab.tmp');
      fs.writeFileSync(outsideTemp, 'not ours');
      fs.symlinkSync(elsewhere, path.join(root, '.kagi', 'secrets', 'linked'));
      fs.symlinkSync(elsewhere, path.join(root, '.kagi', 'files'));
      const ownTemp = path.join(root, '.kagi', 'secrets', 'api', '.development.enc.0123456789ab.tmp');
      fs.writeFileSync(ownTemp, 'staged');
      markStaging(host.home, projectId);
      await readScopes(Project.open(root, host));
      assert.ok(!fs.existsSync(ownTemp), 'the staged temp is still in the vault');
      assert.ok(fs.existsSync(outsideTemp), 'a file behind a link was removed');
      assert.ok(!fs.existsSync(stagingPath(host.home, projectId)));
    });

    it('.kagi itself a link: reads and writes are refused, nothing lands outside', async () => {
      const elsewhere = dir('kagi-elsewhere-');
      fs.renameSync(path.join(root, '.kagi'), path.join(elsewhere, '.kagi'));
      fs.symlinkSync(path.join(elsewhere, '.kagi'), path.join(root, '.kagi'));
      const before = treeDigest(elsewhere);
      const refused = (e: unknown) => {
        assertKagiError(e, ['bad-store'], /\.kagi is a symbolic link/);
        return true;
      };
      await assert.rejects(
        async () => setSecrets(Project.open(root, host), 'api/development', [{ key: 'X', value: 'y' }]),
        refused,
      );
      await assert.rejects(async () => readScopes(Project.open(root, host)), refused);
      assert.deepEqual(treeDigest(elsewhere), before);
      const r = await runCli(['set', 'api', 'X', 'y'], { cwd: root, env: host.env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /\.kagi is a symbolic link/);
      assert.deepEqual(treeDigest(elsewhere), before);
    });
  });

  describe('init', () => {
    it('with .gitignore -> /proc/self/environ committed: refuses before creating anything, never copies the environment', async () => {
      const root = dir('kagi-init-');
      const home = dir('kagi-init-home-');
      execFileSync('git', ['init', '-q', root]);
      fs.symlinkSync('/proc/self/environ', path.join(root, '.gitignore'));
      const r = await runCli(['init'], {
        cwd: root,
        env: { KAGI_HOME: home, USER: 'alice', MARKER_SECRET: 'env-canary-1' },
      });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /\.gitignore is a symbolic link/);
      assert.ok(fs.lstatSync(path.join(root, '.gitignore')).isSymbolicLink(), '.gitignore was replaced');
      assert.equal(fs.existsSync(path.join(root, '.kagi')), false, 'a vault was created anyway');
      assert.ok(!r.stdout.includes('env-canary-1') && !r.stderr.includes('env-canary-1'));
    });

    it('with a .gitignore that is a FIFO or a folder: refused, no hang', async () => {
      for (const make of [(f: string) => mkfifo(f), (f: string) => fs.mkdirSync(f)]) {
        const root = dir('kagi-init-');
        execFileSync('git', ['init', '-q', root]);
        make(path.join(root, '.gitignore'));
        const r = await runCli(['init'], { cwd: root, env: { KAGI_HOME: dir('kagi-init-home-'), USER: 'alice' } });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /\.gitignore is a (named pipe|folder)/);
        assert.equal(fs.existsSync(path.join(root, '.kagi')), false);
      }
    });
  });
});
