/**
 * Issue 16, "Faults", for `kagi file add` (the real CLI, dist/cli.js): a write that fails
 * part-way (`prlimit --fsize`: EFBIG after a partial write) or a file or folder it may not
 * write (EACCES, run without CAP_DAC_OVERRIDE when root). Each: a clear error without the
 * file's bytes, the vault still opens with every value and file it had, no temp file left,
 * and the next `file add` works.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project } from '../../../src/vault/project/project';
import { addFile } from '../../../src/vault/usecases/files';
import { initProject } from '../../../src/vault/usecases/init';
import { setSecrets } from '../../../src/vault/usecases/secrets';
import { device, tempDir } from '../helpers';
import { assertClearError, cliUnder, digest, fsize, tempFiles, unprivileged, vaultValues, type Run } from './faultKit';
import { rmTree } from './support';

const LIMIT = 8192;
const BIG_SECRET = 's'.repeat(20_000);
/** Plaintext of a file larger than LIMIT: its blob crosses the limit mid-write. */
const BIG_FILE = `-----BEGIN KEY-----\n${'k'.repeat(20_000)}\n`;
const FIRST = 'alpha-cert-v1';
const RENEWED = 'alpha-cert-v2-renewed';

describe('reliability: faults during `kagi file add` (issue 16)', function () {
  this.timeout(240_000);
  let root: string;
  let alice: ReturnType<typeof device>;

  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  const add = (prefix: string[], ...args: string[]): Run =>
    cliUnder(prefix, ['file', 'add', ...args], { cwd: root, home: alice.home });
  const exclude = () => fs.readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8');
  const values = () => vaultValues(root, alice);

  beforeEach(async () => {
    root = tempDir('kagi-fault-file-');
    alice = device('alice');
    assert.equal(spawnSync('git', ['init', '-q', root]).status, 0);
    await initProject(root, alice, {});
    await setSecrets(Project.open(root, alice), 'api/development', [{ key: 'BIG', value: BIG_SECRET }]);
    write('certs/a.pem', FIRST);
    await addFile(Project.open(root, alice), { scope: 'api/development', path: 'certs/a.pem', cwd: root });
  });

  afterEach(() => {
    for (const d of ['.kagi', '.git/info']) fs.chmodSync(path.join(root, d), 0o700);
    fs.chmodSync(path.join(root, '.git/info/exclude'), 0o644);
    [root, alice.home].forEach(rmTree);
  });

  /** The promises after a failed add: every value and file as before, no temp, the exclude file whole. */
  async function assertIntact(before: unknown, excludeBefore: string, added: string) {
    assert.deepEqual(await values(), before, 'the vault lost or changed a value or a file');
    assert.deepEqual(tempFiles(root, alice.home), [], 'temp files left behind');
    // Either untouched or the whole line added ahead of the vault write: never a partial line.
    const lines = exclude().split('\n');
    const known = new Set([...excludeBefore.split('\n'), `/${added}`]);
    assert.deepEqual(
      lines.filter((l) => !known.has(l)),
      [],
      'a partial line in .git/info/exclude',
    );
  }

  /** The next command works, and the file it adds reads back. */
  async function assertNextAddWorks(rel: string, text: string, ...flags: string[]) {
    const r = add([], ...flags, 'api', rel);
    assert.equal(r.code, 0, r.stderr);
    const after = await values();
    assert.equal(after['files api/development']![path.basename(rel)], digest(text));
    assert.equal(after['api/development']!.BIG, digest(BIG_SECRET));
    assert.ok(exclude().split('\n').includes(`/${rel}`), 'the plaintext is excluded from Git');
  }

  it('EFBIG part-way through a new blob', async () => {
    write('certs/big.pem', BIG_FILE);
    const [before, excludeBefore] = [await values(), exclude()];
    const r = add(fsize(LIMIT), 'api', 'certs/big.pem');
    assertClearError(r, 'EFBIG', [BIG_FILE.slice(20, 60), BIG_SECRET.slice(0, 40)]);
    await assertIntact(before, excludeBefore, 'certs/big.pem');
    await assertNextAddWorks('certs/big.pem', BIG_FILE);
  });

  it('--force: EFBIG on the index after the new blob fits keeps the old file (blob and index never disagree)', async () => {
    // Enough entries that the index, not the small blob, crosses the limit.
    for (let i = 0; i < 40; i++) {
      write(`certs/n${i}.pem`, `n${i}`);
      await addFile(Project.open(root, alice), { scope: 'api/development', path: `certs/n${i}.pem`, cwd: root });
    }
    write('certs/a.pem', RENEWED);
    const [before, excludeBefore] = [await values(), exclude()];
    const r = add(fsize(LIMIT), '--force', 'api', 'certs/a.pem');
    assertClearError(r, 'EFBIG', [RENEWED]);
    assert.match(r.stderr, /files\/index\.enc/, 'the index is what could not be written');
    await assertIntact(before, excludeBefore, 'certs/a.pem');
    assert.equal((await values())['files api/development']!['a.pem'], digest(FIRST));
    await assertNextAddWorks('certs/a.pem', RENEWED, '--force');
  });

  // A vault folder of ours that is read-only is made 0700 again by the writer (its folders are
  // private by design), so the fault is a `.kagi/` it cannot write at all: no lock, no write.
  it('EACCES: a read-only .kagi/', async () => {
    write('certs/b.pem', 'bravo');
    const [before, excludeBefore] = [await values(), exclude()];
    fs.chmodSync(path.join(root, '.kagi'), 0o555);
    assertClearError(add(unprivileged, 'api', 'certs/b.pem'), 'EACCES', ['bravo']);
    fs.chmodSync(path.join(root, '.kagi'), 0o700);
    await assertIntact(before, excludeBefore, 'certs/b.pem');
    await assertNextAddWorks('certs/b.pem', 'bravo');
  });

  it('EACCES on .git/info/exclude: nothing is added, so the plaintext is never in the vault unexcluded', async () => {
    write('certs/c.pem', 'charlie');
    const [before, excludeBefore] = [await values(), exclude()];
    fs.chmodSync(path.join(root, '.git', 'info', 'exclude'), 0o444);
    assertClearError(add(unprivileged, 'api', 'certs/c.pem'), 'EACCES', ['charlie']);
    fs.chmodSync(path.join(root, '.git', 'info', 'exclude'), 0o644);
    await assertIntact(before, excludeBefore, 'certs/c.pem');
    assert.equal(exclude(), excludeBefore);
    await assertNextAddWorks('certs/c.pem', 'charlie');
  });
});
