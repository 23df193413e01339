import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoStack, ensureCliBuilt, kagi, kagiOk, type CliResult } from './cli-harness';
import { device, sha256Tree, tempDir } from './helpers';
import { Project } from '../../src/vault/project/project';
import { encodeArtifactIndex, sealArtifact } from '../../src/vault/project/artifacts';

// `kagi file` as a child process (docs/format.md §4.6): the happy paths the Rust CLI defines,
// and every bad input of the issue refused with a clear error and nothing written.

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function vault(opts: { git?: 'root' | 'parent' | 'none' } = {}) {
  const top = tempDir('kagi-file-cli-');
  const mode = opts.git ?? 'root';
  const root = mode === 'parent' ? path.join(top, 'app') : top;
  fs.mkdirSync(root, { recursive: true });
  if (mode !== 'none') git(top, 'init', '-q', '.');
  const alice = device('alice');
  const o = { cwd: root, home: alice.home, env: { HOME: top } };
  kagiOk(['init', '--envs', 'development,production'], o);
  const write = (rel: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
    return path.join(root, rel);
  };
  /** Everything a failed command must leave as it was: the vault, and Git's exclude file. */
  const state = () => ({
    kagi: sha256Tree(path.join(root, '.kagi')),
    exclude: mode === 'root' ? fs.readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8') : '',
  });
  return {
    top,
    root,
    o,
    alice,
    write,
    state,
    run: (...args: string[]) => kagi(args, o),
    ok: (...args: string[]) => kagiOk(args, o),
  };
}

/** Fails with one clear line (and a hint), no stack, and changes nothing. */
function refused(r: CliResult, message: RegExp, before: unknown, after: unknown): void {
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, message);
  assert.match(r.stderr, /hint: /);
  assertNoStack(r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(after, before, 'nothing was written');
}

describe('cli: kagi file', function () {
  this.timeout(60_000);
  before(() => ensureCliBuilt());

  it('add keeps the path, sizes and Git exclude line; list never prints content; restore is 0600', () => {
    const v = vault();
    v.write('config/sa.json', '{"private_key":"SECRET-CONTENT"}');
    const added = v.ok('file', 'add', 'api', 'production', 'config/sa.json');
    assert.equal(added.stdout, 'added file repo:config/sa.json to api/production\nrestore path: repo:config/sa.json\n');
    assert.match(fs.readFileSync(path.join(v.root, '.git', 'info', 'exclude'), 'utf8'), /^\/config\/sa\.json$/m);
    const listed = v.ok('file', 'list', 'api', 'production').stdout;
    assert.equal(listed, 'api/production\n  repo:config/sa.json 32 bytes sa.json\n');
    assert.ok(!listed.includes('SECRET-CONTENT'));
    fs.rmSync(path.join(v.root, 'config'), { recursive: true });
    const restored = v.ok('file', 'restore', 'api', 'production', 'sa.json');
    assert.match(restored.stdout, /restored repo:config\/sa\.json to .*config\/sa\.json\n/);
    assert.doesNotMatch(restored.stderr, /would not ignore/, 'the exclude line keeps it out of Git');
    const file = path.join(v.root, 'config', 'sa.json');
    assert.equal(fs.readFileSync(file, 'utf8'), '{"private_key":"SECRET-CONTENT"}');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(git(v.root, 'check-ignore', 'config/sa.json').trim(), 'config/sa.json');
  });

  it('a replaced file keeps its id; --force is needed, and a name taken in the scope is refused', () => {
    const v = vault();
    v.write('a/cert.pem', 'one');
    v.write('b/cert.pem', 'two');
    v.ok('file', 'add', 'api', 'a/cert.pem');
    const before = v.state();
    refused(
      v.run('file', 'add', 'api', 'a/cert.pem'),
      /file already exists in api\/development: repo:a\/cert\.pem/,
      before,
      v.state(),
    );
    refused(
      v.run('file', 'add', 'api', 'b/cert.pem'),
      /file name already exists in api\/development: cert\.pem/,
      before,
      v.state(),
    );
    v.ok('file', 'add', '--name', 'other', 'api', 'b/cert.pem');
    const again = v.state();
    refused(
      v.run('file', 'add', '--name', ' other ', 'api', 'a/cert.pem', '--force'),
      /file name already exists in api\/development: other/,
      again,
      v.state(),
    );
    const blobs = () => fs.readdirSync(path.join(v.root, '.kagi', 'files')).sort();
    const ids = blobs();
    v.write('a/cert.pem', 'one, renewed');
    assert.match(v.ok('file', 'add', '--force', 'api', 'a/cert.pem').stdout, /^replaced file repo:a\/cert\.pem/);
    assert.deepEqual(blobs(), ids, 'same ids, no new blob');
    assert.equal(v.ok('file', 'show', '--yes', 'api', 'repo:a/cert.pem').stdout, 'one, renewed');
  });

  it('refuses a file over the limit, a directory, a link, a FIFO and a device, writing nothing', () => {
    const v = vault();
    v.write('limit.bin', Buffer.alloc(1024 * 1024, 1));
    v.write('big.bin', Buffer.alloc(1024 * 1024 + 1, 1));
    v.write('real.txt', 'x');
    fs.symlinkSync('real.txt', path.join(v.root, 'link.txt'));
    fs.mkdirSync(path.join(v.root, 'dir'));
    fs.symlinkSync(path.join(v.root, 'dir'), path.join(v.root, 'dirlink'));
    v.write('dir/inner.txt', 'y');
    spawnSync('mkfifo', [path.join(v.root, 'fifo')]);
    const before = v.state();
    refused(v.run('file', 'add', 'big.bin'), /file too large: 1048577 bytes exceeds 1048576 bytes/, before, v.state());
    refused(v.run('file', 'add', 'dir'), /refusing to add a directory/, before, v.state());
    refused(v.run('file', 'add', 'link.txt'), /refusing to add a symbolic link/, before, v.state());
    refused(v.run('file', 'add', 'dirlink/inner.txt'), /symbolic link/, before, v.state());
    refused(v.run('file', 'add', 'fifo'), /refusing to add a non-regular file/, before, v.state());
    refused(v.run('file', 'add', '/dev/null'), /refusing to add a non-regular file/, before, v.state());
    refused(v.run('file', 'add', '.kagi/kagi.json'), /refusing to use a file inside \.kagi\//, before, v.state());
    refused(v.run('file', 'add', '/etc/hostname'), /is not inside the repository/, before, v.state());
    v.ok('file', 'add', 'limit.bin');
    v.ok('file', 'add', '--allow-large', 'big.bin');
  });

  it('refuses a file Git tracks (its plaintext is already in history)', () => {
    const v = vault();
    v.write('tracked.pem', 'x');
    git(v.root, 'add', 'tracked.pem');
    const before = v.state();
    refused(v.run('file', 'add', 'tracked.pem'), /tracked\.pem is tracked by Git/, before, v.state());
  });

  it('restore refuses targets that escape the project or pass .git/.kagi, and never writes through links', () => {
    const v = vault();
    v.write('sa.json', 'x');
    v.ok('file', 'add', 'sa.json');
    fs.rmSync(path.join(v.root, 'sa.json'));
    const outsideDir = tempDir('kagi-file-outside-');
    fs.symlinkSync(outsideDir, path.join(v.root, 'out-link'));
    const before = v.state();
    const outside = path.join(v.root, '..', path.basename(v.top) + '-escape.json');
    refused(
      v.run('file', 'restore', '--out', outside, 'sa.json'),
      /must stay inside the repository/,
      before,
      v.state(),
    );
    refused(v.run('file', 'restore', '--out', 'out-link/sa.json', 'sa.json'), /symbolic link/, before, v.state());
    refused(
      v.run('file', 'restore', '--out', '.git/hooks/pre-commit', 'sa.json'),
      /refusing to use a file inside \.git\//,
      before,
      v.state(),
    );
    refused(v.run('file', 'restore', 'repo:../sa.json'), /invalid repository-relative file path/, before, v.state());
    refused(v.run('file', 'restore', 'repo:.kagi/kagi.json'), /inside \.kagi\//, before, v.state());
    assert.equal(fs.existsSync(outside), false);
    assert.deepEqual(fs.readdirSync(outsideDir), []);
    assert.equal(fs.existsSync(path.join(v.root, 'sa.json')), false);
  });

  it('restore over a different file needs --force; identical content is left alone', () => {
    const v = vault();
    const file = v.write('sa.json', 'original');
    v.ok('file', 'add', 'sa.json');
    assert.match(v.ok('file', 'restore', 'sa.json').stdout, /^unchanged \(same content\)/);
    fs.writeFileSync(file, 'edited');
    const before = v.state();
    refused(
      v.run('file', 'restore', 'sa.json'),
      /output file already exists with different content/,
      before,
      v.state(),
    );
    assert.equal(fs.readFileSync(file, 'utf8'), 'edited');
    v.ok('file', 'restore', '--force', 'sa.json');
    assert.equal(fs.readFileSync(file, 'utf8'), 'original');
  });

  it('warns when Git would not ignore the restored plaintext (project below the Git root: no exclude line)', () => {
    const v = vault({ git: 'parent' });
    v.write('sa.json', 'x');
    const added = v.ok('file', 'add', 'sa.json');
    assert.match(added.stderr, /warning: Git would not ignore .*sa\.json/);
    fs.rmSync(path.join(v.root, 'sa.json'));
    const r = v.ok('file', 'restore', 'sa.json');
    assert.match(r.stderr, /warning: Git would not ignore .*sa\.json: it could be committed as plaintext/);
    fs.rmSync(path.join(v.root, 'sa.json'));
    fs.writeFileSync(path.join(v.top, '.gitignore'), 'app/sa.json\n');
    assert.doesNotMatch(v.ok('file', 'restore', 'sa.json').stderr, /would not ignore/);
  });

  it('an index naming a missing blob, a blob under another id, a bad path or a repeated id: clear errors, nothing written', async () => {
    const v = vault();
    v.write('a.pem', 'A');
    v.write('b.pem', 'B');
    v.ok('file', 'add', 'a.pem');
    v.ok('file', 'add', 'b.pem');
    fs.rmSync(path.join(v.root, 'a.pem'));
    fs.rmSync(path.join(v.root, 'b.pem'));
    const files = path.join(v.root, '.kagi', 'files');
    const project = Project.open(v.root, v.alice);
    const cfg = project.config();
    const { key } = await project.key(cfg);
    const ids = fs
      .readdirSync(files)
      .filter((n) => n.startsWith('kgf_'))
      .map((n) => n.slice(0, -4));
    const pristine = Object.fromEntries(fs.readdirSync(files).map((n) => [n, fs.readFileSync(path.join(files, n))]));
    const reset = () => {
      for (const n of fs.readdirSync(files)) fs.rmSync(path.join(files, n));
      for (const [n, b] of Object.entries(pristine)) fs.writeFileSync(path.join(files, n), b);
    };

    // The blob of a.pem swapped for b.pem's: the AAD binds the id.
    const listing = v.ok('file', 'list').stdout;
    assert.match(listing, /repo:a\.pem 1 bytes a\.pem/);
    const [idA, idB] = ids;
    fs.copyFileSync(path.join(files, `${idB}.enc`), path.join(files, `${idA}.enc`));
    let before = v.state();
    const swapped = [v.run('file', 'restore', 'a.pem'), v.run('file', 'restore', 'b.pem')];
    const failedOne = swapped.find((r) => r.code !== 0)!;
    refused(failedOne, /encrypted file aad mismatch/, before, v.state());
    reset();

    fs.rmSync(path.join(files, `${idA}.enc`));
    before = v.state();
    const missing = ['a.pem', 'b.pem'].map((n) => v.run('file', 'restore', n)).find((r) => r.code !== 0)!;
    refused(missing, /file artifact kgf_\S+ does not exist/, before, v.state());
    assert.equal(fs.existsSync(path.join(v.root, 'a.pem')) && fs.existsSync(path.join(v.root, 'b.pem')), false);
    reset();
    for (const n of ['a.pem', 'b.pem']) fs.rmSync(path.join(v.root, n), { force: true });

    const entry = (id: string, extra: Record<string, unknown>) => ({
      id,
      scope: 'development',
      name: 'x.pem',
      location: 'repo',
      restore_path: 'x.pem',
      size: 1,
      sha256: '00'.repeat(32),
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      ...extra,
    });
    const writeIndex = (entries: unknown[]) =>
      fs.writeFileSync(
        path.join(files, 'index.enc'),
        sealArtifact(cfg, key, 'file-index', 'index', encodeArtifactIndex(entries as never)),
      );
    writeIndex([entry(idA!, { restore_path: '../escape.pem' })]);
    before = v.state();
    refused(
      v.run('file', 'restore', 'x.pem'),
      /index entry 0: invalid repository-relative file path/,
      before,
      v.state(),
    );
    writeIndex([entry(idA!, {}), entry(idA!, { name: 'y.pem', restore_path: 'y.pem' })]);
    before = v.state();
    refused(v.run('file', 'list'), /index entry 1 repeats the id/, before, v.state());
    v.write('x.pem', 'x');
    refused(v.run('file', 'add', '--force', 'x.pem'), /index entry 1 repeats the id/, before, v.state());
    assert.equal(fs.existsSync(path.join(v.root, '..', 'escape.pem')), false);
  });

  it('show needs a confirmation off a terminal; remove deletes blob and entry', () => {
    const v = vault();
    v.write('k.pem', 'KEY');
    v.ok('file', 'add', 'api', 'k.pem');
    const r = v.run('file', 'show', 'api', 'k.pem');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /requires confirmation: rerun with --yes/);
    const before = v.state();
    refused(v.run('file', 'remove', 'api', 'k.pem'), /requires confirmation/, before, v.state());
    refused(
      v.run('file', 'remove', '--yes', 'api', 'nope.pem'),
      /file not found in api\/development: nope\.pem/,
      before,
      v.state(),
    );
    v.ok('file', 'remove', '--yes', 'api', 'k.pem');
    assert.equal(v.ok('file', 'list', '--all').stdout, 'no encrypted files found\n');
    assert.deepEqual(fs.readdirSync(path.join(v.root, '.kagi', 'files')), ['index.enc']);
  });
});
