/**
 * Issue 16, "Faults", for the Git merge driver (`kagi git merge-driver`, run by a real
 * `git merge`): the driver runs under a fault (its command in .git/config wrapped in
 * `prlimit --fsize`, or run without CAP_DAC_OVERRIDE against a read-only `.git/kagi/`) while
 * Git itself runs normally. Each: `git merge` fails and says why (no stack, no value), the
 * file Git gave the driver (%A, which becomes the working-tree file) is untouched or complete,
 * never half-written, the vault still opens with every value it had after `git merge --abort`,
 * no temp file is left, and the same merge without the fault then works.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt } from '../cli-harness';
import { CANARY, commitAll, newRepo, type Repo } from '../git-harness';
import { device } from '../helpers';
import { assertClearError, fsize, tempFiles, unprivileged, vaultValues, type Run } from './faultKit';
import { rmTree } from './support';

const STORE = '.kagi/secrets/api/development.enc';
/** Larger than the limit below once sealed: writing the merged store crosses it mid-write. */
const BIG = `${CANARY}-${'b'.repeat(20_000)}`;
const LIMIT = 8192;
const DRIVER = 'merge.kagi-store.driver';

describe('reliability: faults in the Git merge driver (issue 16)', function () {
  this.timeout(240_000);
  before(ensureCliBuilt);
  let repo: Repo;
  let driver: string;

  const set = (key: string, value: string) => repo.kagiOk(['set', 'api', key, '--stdin'], { input: value });
  const values = () => vaultValues(repo.dir, { env: { KAGI_HOME: repo.home, USER: 'tester' } });
  const merge = (): Run => {
    const r = repo.git(['merge', 'side', '-m', 'merge']);
    return { ...r, stderr: r.stderr + r.stdout };
  };

  /** main and side from one commit holding BIG; each side then changes the keys given. */
  function forked(ours: Record<string, string>, theirs: Record<string, string>) {
    repo = newRepo();
    repo.kagiOk(['git', 'setup']);
    driver = repo.gitOk(['config', DRIVER]).trim();
    set('BIG', BIG);
    set('SHARED', `${CANARY}-base`);
    commitAll(repo, 'base');
    repo.gitOk(['branch', 'side']);
    repo.gitOk(['checkout', '-q', 'side']);
    for (const [k, v] of Object.entries(theirs)) set(k, v);
    commitAll(repo, 'side');
    repo.gitOk(['checkout', '-q', 'main']);
    for (const [k, v] of Object.entries(ours)) set(k, v);
    commitAll(repo, 'main');
  }

  afterEach(() => {
    fs.chmodSync(path.join(repo.dir, '.git'), 0o755);
    if (fs.existsSync(path.join(repo.dir, '.git', 'kagi'))) fs.chmodSync(path.join(repo.dir, '.git', 'kagi'), 0o700);
    [repo.dir, repo.home].forEach(rmTree);
  });

  const blob = (rev: string) => repo.gitOk(['show', `${rev}:${STORE}`]);

  /**
   * Git's result file is whole: our side as committed, or Git's own line merge of the three
   * committed sides (what the driver falls back to), never a prefix of something.
   */
  function assertWholeResult() {
    const now = repo.read(STORE);
    const dir = fs.mkdtempSync(path.join(repo.home, 'sides-'));
    const [ours, base, theirs] = ['main', repo.gitOk(['merge-base', 'main', 'side']).trim(), 'side'].map((rev, i) => {
      fs.writeFileSync(path.join(dir, `${i}`), blob(rev));
      return path.join(dir, `${i}`);
    });
    const lineMerge = repo.git(['merge-file', '-p', '-L', 'ours', '-L', 'base', '-L', 'theirs', ours!, base!, theirs!]);
    rmTree(dir);
    assert.ok(
      now === blob('main') || now === lineMerge.stdout,
      `the result file is half-written (${now.length} bytes)`,
    );
  }

  /** After the failed merge: the vault as it was, no temp anywhere, and the merge without the fault works. */
  async function assertRecovered(before: unknown, expectMerged: Record<string, string>, resolve?: string) {
    repo.gitOk(['merge', '--abort']);
    assert.deepEqual(await values(), before, 'the vault lost or changed a value');
    assert.deepEqual(tempFiles(repo.dir, repo.home), [], 'temp files left behind');
    assert.deepEqual(
      fs.readdirSync(repo.dir).filter((n) => n.startsWith('.merge_file')),
      [],
      "Git's driver files left behind",
    );
    repo.gitOk(['config', DRIVER, driver]);
    const r = merge();
    if (resolve) {
      assert.match(r.stderr, /1 key\(s\) changed on both sides/);
      repo.kagiOk(['git', 'resolve', '--take', resolve]);
    } else assert.equal(r.code, 0, r.stderr);
    for (const [k, v] of Object.entries(expectMerged)) {
      assert.equal(repo.kagiOk(['get', 'api', k, '--yes']).trim(), v);
    }
  }

  it('EFBIG part-way through the merged store: %A stays whole, git merge fails and says why', async () => {
    forked({ OURS: `${CANARY}-o` }, { THEIRS: `${CANARY}-t` });
    const before = await values();
    repo.gitOk(['config', DRIVER, `${fsize(LIMIT).join(' ')} ${driver}`]);
    const r = merge();
    assert.notEqual(r.code, 0, 'git merge reports the failure');
    assertClearError({ ...r, code: 1 }, 'EFBIG', [CANARY]);
    assert.match(r.stderr, /CONFLICT \(content\): Merge conflict in \.kagi\/secrets\/api\/development\.enc/);
    assertWholeResult();
    await assertRecovered(before, { OURS: `${CANARY}-o`, THEIRS: `${CANARY}-t`, BIG });
  });

  it('EACCES on the conflict record (a read-only .git/kagi/): Git’s line conflict over the sides as committed', async () => {
    forked({ SHARED: `${CANARY}-ours` }, { SHARED: `${CANARY}-theirs` });
    const before = await values();
    fs.mkdirSync(path.join(repo.dir, '.git', 'kagi'), { mode: 0o555 });
    fs.chmodSync(path.join(repo.dir, '.git', 'kagi'), 0o555);
    repo.gitOk(['config', DRIVER, `${unprivileged.join(' ')} ${driver}`]);
    const r = merge();
    assert.notEqual(r.code, 0, 'git merge reports the failure');
    assertClearError({ ...r, code: 1 }, 'EACCES', [CANARY]);
    assertWholeResult();
    assert.match(repo.read(STORE), /^<<<<<<< ours$/m, "Git's line conflict, as without the driver");
    fs.chmodSync(path.join(repo.dir, '.git', 'kagi'), 0o700);
    await assertRecovered(before, { SHARED: `${CANARY}-theirs`, BIG }, 'SHARED=theirs');
  });
});

/**
 * The same fault for the kagi.json and access.json drivers: they write through the same
 * atomic path as the store driver, and this shows it for each. A field kagi does not know
 * (kept by every write and merge) makes the merged file cross the size limit mid-write.
 */
describe('reliability: faults in the kagi.json and access.json merge drivers (issue 16)', function () {
  this.timeout(240_000);
  before(ensureCliBuilt);
  let repo: Repo;
  afterEach(() => [repo.dir, repo.home].forEach(rmTree));

  const NOTES = 'n'.repeat(20_000);
  const cases = [
    {
      file: 'kagi.json',
      driver: 'merge.kagi-config.driver',
      theirs: () => repo.kagiOk(['set', 'web', 'W', '1']),
      ours: () => repo.kagiOk(['set', 'jobs', 'J', '1']),
      merged: () => {
        const services = Object.keys((JSON.parse(repo.read('.kagi/kagi.json')) as { services: object }).services);
        assert.ok(services.includes('web/development') && services.includes('jobs/development'), services.join());
      },
    },
    {
      file: 'access.json',
      driver: 'merge.kagi-access.driver',
      theirs: () => repo.kagiOk(['member', 'request', '--name', 'bob'], { home: device('bob').home }),
      ours: () => repo.kagiOk(['member', 'request', '--name', 'carol'], { home: device('carol').home }),
      merged: () => assert.match(repo.kagiOk(['member', 'list']), /bob[\s\S]*carol|carol[\s\S]*bob/),
    },
  ];

  for (const c of cases) {
    it(`EFBIG part-way through the merged ${c.file}: the file stays whole, git merge fails and says why`, () => {
      repo = newRepo();
      repo.kagiOk(['git', 'setup']);
      const rel = `.kagi/${c.file}`;
      repo.write(rel, JSON.stringify({ ...(JSON.parse(repo.read(rel)) as object), x_team_notes: NOTES }, null, 2));
      commitAll(repo, 'base');
      const driver = repo.gitOk(['config', c.driver]).trim();
      repo.gitOk(['checkout', '-q', '-b', 'side']);
      c.theirs();
      commitAll(repo, 'side');
      repo.gitOk(['checkout', '-q', 'main']);
      c.ours();
      commitAll(repo, 'main');
      const ours = repo.read(rel);

      repo.gitOk(['config', c.driver, `${fsize(LIMIT).join(' ')} ${driver}`]);
      const r = repo.git(['merge', 'side', '-m', 'merge']);
      assert.notEqual(r.code, 0, 'git merge reports the failure');
      assertClearError({ code: 1, stdout: r.stdout, stderr: r.stderr + r.stdout }, 'EFBIG', [CANARY]);
      assert.equal(repo.read(rel), ours, `${c.file} is our side as committed, not half-written`);
      assert.deepEqual(tempFiles(repo.dir, repo.home), [], 'temp files left behind');

      repo.gitOk(['merge', '--abort']);
      repo.gitOk(['config', c.driver, driver]);
      const again = repo.git(['merge', 'side', '-m', 'merge']);
      assert.equal(again.code, 0, again.stderr + again.stdout);
      c.merged();
      assert.equal((JSON.parse(repo.read(rel)) as { x_team_notes?: string }).x_team_notes, NOTES, 'a field kept');
    });
  }
});
