import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, hasScript, kagi, kagiTty } from './cli-harness';
import { addMember, CANARY, commitAll, filesContain, newRepo, objectsContain, type Repo } from './git-harness';
import { device, tempDir } from './helpers';

const STORE = '.kagi/secrets/api/development.enc';

function setStdin(repo: Repo, key: string, value: string): void {
  repo.kagiOk(['set', 'api', key, '--stdin'], { input: value });
}

const get = (repo: Repo, key: string, home?: string) =>
  repo.kagiOk(['get', 'api', key, '--yes'], home ? { home } : {}).trim();
const hasKey = (repo: Repo, key: string) => repo.kagi(['get', 'api', key, '--yes']).code === 0;

/** main and a `side` branch, both from a commit holding BASE_A/BASE_B. */
function forked(): Repo {
  const repo = newRepo();
  repo.kagiOk(['git', 'setup']);
  setStdin(repo, 'BASE_A', `${CANARY}-a`);
  setStdin(repo, 'BASE_B', `${CANARY}-b`);
  commitAll(repo, 'base');
  repo.gitOk(['branch', 'side']);
  return repo;
}

function onBranch(repo: Repo, branch: string, fn: () => void, message: string): void {
  repo.gitOk(['checkout', '-q', branch]);
  fn();
  commitAll(repo, message);
  repo.gitOk(['checkout', '-q', 'main']);
}

describe('the store merge driver', function () {
  this.timeout(240_000);
  before(ensureCliBuilt);

  it('merges disjoint changes per key into a store sealed with the current key', () => {
    const repo = forked();
    onBranch(
      repo,
      'side',
      () => {
        setStdin(repo, 'THEIRS', `${CANARY}-t`);
        setStdin(repo, 'BASE_A', `${CANARY}-a2`);
      },
      'side',
    );
    setStdin(repo, 'OURS', `${CANARY}-o`);
    repo.kagiOk(['unset', 'api', 'BASE_B', '--yes']);
    commitAll(repo, 'main');
    const r = repo.git(['merge', 'side', '-m', 'merge']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(get(repo, 'THEIRS'), `${CANARY}-t`);
    assert.equal(get(repo, 'OURS'), `${CANARY}-o`);
    assert.equal(get(repo, 'BASE_A'), `${CANARY}-a2`);
    assert.equal(hasKey(repo, 'BASE_B'), false, 'a removal on one side stays removed');
    assert.equal(repo.gitOk(['status', '--porcelain']), '');
    assert.equal(objectsContain(repo, CANARY), false);
  });

  it('merges across a rotation on one side, re-sealed with the key the merged access.json gives', () => {
    const repo = forked();
    const bob = addMember(repo, 'bob');
    commitAll(repo, 'bob joins');
    repo.gitOk(['branch', '-f', 'side']);
    onBranch(repo, 'side', () => setStdin(repo, 'THEIRS', `${CANARY}-t`), 'side, old key');
    repo.kagiOk(['member', 'remove', bob.id, '--yes']);
    setStdin(repo, 'OURS', `${CANARY}-o`);
    commitAll(repo, 'rotate and set');
    const r = repo.git(['merge', 'side', '-m', 'merge']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(get(repo, 'THEIRS'), `${CANARY}-t`);
    assert.equal(get(repo, 'OURS'), `${CANARY}-o`);
    // Bob was removed: the merged store must be sealed with the rotated key he does not hold.
    const asBob = repo.kagi(['get', 'api', 'THEIRS', '--yes'], { home: bob.home });
    assert.notEqual(asBob.code, 0);
    // And the other way round: the rotation arrives as theirs.
    const repo2 = forked();
    const carol = addMember(repo2, 'carol');
    commitAll(repo2, 'carol joins');
    repo2.gitOk(['branch', '-f', 'side']);
    onBranch(repo2, 'side', () => repo2.kagiOk(['member', 'remove', carol.id, '--yes']), 'rotate on side');
    setStdin(repo2, 'OURS', `${CANARY}-o`);
    commitAll(repo2, 'old key on main');
    const r2 = repo2.git(['merge', 'side', '-m', 'merge']);
    assert.equal(r2.code, 0, r2.stderr + r2.stdout);
    assert.equal(get(repo2, 'OURS'), `${CANARY}-o`);
    assert.notEqual(
      repo2.kagi(['get', 'api', 'OURS', '--yes'], { home: carol.home }).code,
      0,
      'sealed with the rotated key',
    );
  });

  it('outside `git merge` (a cherry-pick names theirs in CHERRY_PICK_HEAD only): the rotated side still opens', () => {
    const repo = forked();
    const carol = addMember(repo, 'carol');
    commitAll(repo, 'carol joins');
    repo.gitOk(['branch', '-f', 'side']);
    onBranch(
      repo,
      'side',
      () => {
        repo.kagiOk(['member', 'remove', carol.id, '--yes']);
        setStdin(repo, 'THEIRS', `${CANARY}-t`);
      },
      'rotate and set on side',
    );
    setStdin(repo, 'OURS', `${CANARY}-o`);
    commitAll(repo, 'old key on main');
    const dir = tempDir('kagi-pick-');
    const [o, a, b] = ['O', 'A', 'B'].map((n) => path.join(dir, n));
    fs.writeFileSync(o!, repo.gitOk(['show', `main~1:${STORE}`]));
    fs.writeFileSync(a!, repo.gitOk(['show', `main:${STORE}`]));
    fs.writeFileSync(b!, repo.gitOk(['show', `side:${STORE}`]));
    const driver = () => repo.kagi(['git', 'merge-driver', 'store', o!, a!, b!, STORE]);
    const unnamed = driver();
    assert.notEqual(unnamed.code, 0, 'nothing names the rotated side: this device cannot open it');
    repo.gitOk(['update-ref', 'CHERRY_PICK_HEAD', repo.gitOk(['rev-parse', 'side']).trim()]);
    fs.writeFileSync(a!, repo.gitOk(['show', `main:${STORE}`]));
    const r = driver();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(filesContain(dir, CANARY), [], 'no value in the result or beside it');
  });

  it('a key changed on both sides: exit non-zero, a valid store with ours, a record without values, resolve per key', () => {
    const repo = forked();
    onBranch(
      repo,
      'side',
      () => {
        setStdin(repo, 'BASE_A', `${CANARY}-theirs`);
        setStdin(repo, 'THEIRS', `${CANARY}-t`);
      },
      'side',
    );
    setStdin(repo, 'BASE_A', `${CANARY}-ours`);
    commitAll(repo, 'main');
    const r = repo.git(['merge', 'side', '-m', 'merge']);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stdout + r.stderr,
      /1 key\(s\) changed on both sides \(ours kept for now\): BASE_A; run `kagi git resolve`/,
    );
    assert.match(repo.gitOk(['status', '--porcelain']), /^UU \.kagi\/secrets\/api\/development\.enc$/m);
    assert.equal(get(repo, 'BASE_A'), `${CANARY}-ours`);
    assert.equal(get(repo, 'THEIRS'), `${CANARY}-t`, 'the non-conflicting key merged');
    const records = path.join(repo.dir, '.git', 'kagi', 'conflicts');
    assert.equal(fs.readdirSync(records).length, 1);
    assert.deepEqual(filesContain(path.join(repo.dir, '.git', 'kagi'), CANARY), []);
    assert.deepEqual(filesContain(repo.home, CANARY), []);
    const off = repo.kagi(['git', 'resolve']);
    assert.equal(off.code, 1, 'off a terminal without --take nothing is chosen');
    assert.match(off.stdout, /1 key\(s\) still in conflict: BASE_A/);
    assert.match(repo.kagiOk(['git', 'resolve', '--take', 'BASE_A=theirs']), /resolved 1 key\(s\); next: git add/);
    assert.equal(get(repo, 'BASE_A'), `${CANARY}-theirs`);
    assert.equal(fs.readdirSync(records).length, 0);
    commitAll(repo, 'resolved');
    assert.equal(objectsContain(repo, CANARY), false);
  });

  it('resolve on a terminal: masked sides asked per key; --reveal shows values only after y', function () {
    if (!hasScript()) this.skip();
    const repo = forked();
    onBranch(repo, 'side', () => setStdin(repo, 'BASE_A', `${CANARY}-theirs`), 'side');
    setStdin(repo, 'BASE_A', `${CANARY}-ours`);
    commitAll(repo, 'main');
    repo.git(['merge', 'side', '-m', 'merge']);
    const tty = (args: string[], input: string) =>
      kagiTty(['git', 'resolve', ...args], { cwd: repo.dir, home: repo.home, input });
    const refused = tty(['--reveal'], 'n\n');
    assert.notEqual(refused.code, 0);
    assert.ok(!refused.stdout.includes(CANARY), 'no value without a yes');
    const shown = tty(['--reveal'], 'y\n');
    assert.ok(shown.stdout.includes(`${CANARY}-theirs`) && shown.stdout.includes(`${CANARY}-ours`), 'revealed after y');
    const later = tty([], 'x\n');
    assert.match(later.stdout, /ours {3}fp:[0-9a-f]{16}/);
    assert.match(later.stdout, /still in conflict: BASE_A/);
    assert.ok(!later.stdout.includes(CANARY));
    assert.match(tty([], 'b\n').stdout, /resolved 1 key/);
    assert.equal(get(repo, 'BASE_A'), `${CANARY}-a`, 'base chosen');
  });

  it("a device that cannot decrypt leaves Git's own conflict and says why", () => {
    const repo = forked();
    onBranch(repo, 'side', () => setStdin(repo, 'THEIRS', 't'), 'side');
    setStdin(repo, 'OURS', 'o');
    commitAll(repo, 'main');
    const before = repo.gitOk(['show', `HEAD:${STORE}`]);
    const stranger = device('stranger').home;
    const r = repo.git(['merge', 'side', '-m', 'merge'], { home: stranger });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr + r.stdout,
      /left Git's line conflict: .*this device holds no project key that opens the base side/,
    );
    assert.match(repo.read(STORE), /^<<<<<<< ours$/m);
    assert.equal(repo.gitOk(['show', `:2:${STORE}`]), before, 'ours is intact in the index');
  });

  it('bad input to the driver: a one-line message, only the result file touched', () => {
    const repo = forked();
    const dir = tempDir('kagi-driver-');
    const good = repo.read(STORE);
    const files = { base: path.join(dir, 'O'), ours: path.join(dir, 'A'), theirs: path.join(dir, 'B') };
    const cases: [string, string, RegExp][] = [
      ['truncated', good.slice(0, 40), /the ours side: not a kagi store/],
      ['conflicted', `<<<<<<< a\n${good}=======\n${good}>>>>>>> b\n`, /conflict markers/],
      ['binary', '\u0000\u0001', /binary data/],
    ];
    for (const [name, ours, expected] of cases) {
      fs.writeFileSync(files.base, good);
      fs.writeFileSync(files.ours, ours);
      fs.writeFileSync(files.theirs, good);
      const listing = fs.readdirSync(dir).sort();
      // Run from a sub-folder, as a person might: the paths are the driver's arguments.
      fs.mkdirSync(path.join(repo.dir, 'sub'), { recursive: true });
      const r = repo.kagi(['git', 'merge-driver', 'store', files.base, files.ours, files.theirs, STORE], {
        cwd: path.join(repo.dir, 'sub'),
      });
      assert.equal(r.code, 1, name);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: ${r.stderr}`);
      assert.match(r.stderr, expected, name);
      assert.deepEqual(fs.readdirSync(dir).sort(), listing, `${name}: nothing else written`);
      assert.equal(fs.readFileSync(files.base, 'utf8'), good, `${name}: base untouched`);
      assert.equal(fs.readFileSync(files.theirs, 'utf8'), good, `${name}: theirs untouched`);
    }
    const outside = repo.kagi(['git', 'merge-driver', 'store', files.base, files.ours, files.theirs, 'notes/x.enc']);
    assert.match(outside.stderr, /not inside a \.kagi\/ folder/);
  });

  it("a merged commit without access.json: Git's own conflict and the reason, in one line", () => {
    const repo = forked();
    repo.gitOk(['checkout', '-q', 'side']);
    repo.gitOk(['rm', '-q', '.kagi/access.json']);
    repo.gitOk(['commit', '-q', '-m', 'no access.json']);
    const theirs = repo.gitOk(['rev-parse', 'HEAD']).trim();
    repo.gitOk(['checkout', '-q', 'main']);
    const dir = tempDir('kagi-noaccess-');
    const [o, a, b] = ['O', 'A', 'B'].map((n) => path.join(dir, n));
    for (const f of [o!, a!, b!]) fs.writeFileSync(f, repo.read(STORE));
    const r = kagi(['git', 'merge-driver', 'store', o!, a!, b!, STORE], {
      cwd: repo.dir,
      home: repo.home,
      env: { [`GITHEAD_${theirs}`]: 'side' },
    });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /left Git's line conflict: access\.json is missing in the merged commit/);
    assert.equal(fs.readFileSync(a!, 'utf8'), repo.read(STORE), "identical sides: Git's merge leaves ours as it was");
  });

  it('a scope renamed on one side still merges by key', () => {
    const repo = forked();
    onBranch(repo, 'side', () => setStdin(repo, 'THEIRS', `${CANARY}-t`), 'side');
    // On main, the store file moves to another scope's path while its content stays sealed for api/development.
    const dir = tempDir('kagi-rename-');
    const [o, a, b] = ['O', 'A', 'B'].map((n) => path.join(dir, n));
    fs.writeFileSync(o!, repo.gitOk(['show', `main:${STORE}`]));
    fs.writeFileSync(a!, repo.gitOk(['show', `main:${STORE}`]));
    fs.writeFileSync(b!, repo.gitOk(['show', `side:${STORE}`]));
    const r = repo.kagi(['git', 'merge-driver', 'store', o!, a!, b!, '.kagi/secrets/web/development.enc']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(a!, 'utf8'), /"ciphertext"/);
  });
});

describe('the kagi.json and access.json merge drivers', function () {
  this.timeout(180_000);
  before(ensureCliBuilt);

  it('kagi.json: scopes and environments added on both sides are united', () => {
    const repo = newRepo();
    repo.kagiOk(['git', 'setup']);
    commitAll(repo, 'base');
    repo.gitOk(['branch', 'side']);
    onBranch(
      repo,
      'side',
      () => {
        repo.kagiOk(['set', 'web', 'W', '1']);
        repo.kagiOk(['env', 'add', 'staging']);
      },
      'side',
    );
    repo.kagiOk(['set', 'api', 'A', '1']);
    repo.kagiOk(['env', 'add', 'qa']);
    commitAll(repo, 'main');
    const r = repo.git(['merge', 'side', '-m', 'merge']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const cfg = JSON.parse(repo.read('.kagi/kagi.json')) as {
      services: Record<string, unknown>;
      settings: { envs: string[] };
    };
    // `env add` creates the environment for every service it knows on its branch.
    assert.deepEqual(Object.keys(cfg.services).sort(), ['api/development', 'api/qa', 'web/development', 'web/staging']);
    assert.ok(cfg.settings.envs.includes('qa') && cfg.settings.envs.includes('staging'), cfg.settings.envs.join(','));
  });

  it('access.json: requests made on two branches are both kept, with no manual step', () => {
    const repo = newRepo();
    repo.kagiOk(['git', 'setup']);
    commitAll(repo, 'base');
    repo.gitOk(['branch', 'side']);
    const bob = device('bob').home;
    const carol = device('carol').home;
    onBranch(repo, 'side', () => repo.kagiOk(['member', 'request', '--name', 'bob'], { home: bob }), 'bob asks');
    repo.kagiOk(['member', 'request', '--name', 'carol'], { home: carol });
    commitAll(repo, 'carol asks');
    const r = repo.git(['merge', 'side', '-m', 'merge']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const list = repo.kagiOk(['member', 'list']);
    assert.match(list, /bob/);
    assert.match(list, /carol/);
  });
});
