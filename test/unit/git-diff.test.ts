import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt } from './cli-harness';
import { addMember, CANARY, commitAll, newRepo, objectsContain, type Repo } from './git-harness';
import { device, tempDir } from './helpers';
import { storeRendering } from '../../src/vault';

const STORE = '.kagi/secrets/api/development.enc';

function setStdin(repo: Repo, key: string, value: string, extra: string[] = []): void {
  repo.kagiOk(['set', 'api', key, '--stdin', ...extra], { input: value });
}

/** A repository with the drivers set up and one committed store. */
function repoWithStore(): Repo {
  const repo = newRepo();
  repo.kagiOk(['git', 'setup']);
  setStdin(repo, 'KEEP', CANARY);
  setStdin(repo, 'CHANGE', `${CANARY}-1`);
  setStdin(repo, 'DROP', `${CANARY}-2`);
  repo.kagiOk(['set', 'api', 'DESCRIBED', 'x', '--description', 'the base URL']);
  commitAll(repo, 'first');
  return repo;
}

const changedLines = (diff: string) =>
  diff
    .split('\n')
    .filter((l) => /^[+-][^+-]/.test(l))
    .map((l) => l.replace(/fp:[0-9a-f]{16}/g, 'fp:…'));

describe('git diff of a store (textconv)', function () {
  this.timeout(180_000);
  before(ensureCliBuilt);

  it('names added, changed and removed keys with fingerprints and descriptions, never a value', () => {
    const repo = repoWithStore();
    setStdin(repo, 'CHANGE', `${CANARY}-changed`);
    setStdin(repo, 'ADDED', `${CANARY}-3`);
    repo.kagiOk(['unset', 'api', 'DROP', '--yes']);
    const r = repo.git(['diff']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(CANARY));
    assert.deepEqual(
      changedLines(r.stdout).sort(),
      ['+ADDED = fp:…', '+CHANGE = fp:…', '-CHANGE = fp:…', '-DROP = fp:…'].sort(),
    );
    assert.match(r.stdout, /^ DESCRIBED = fp:[0-9a-f]{16} {2}# the base URL$/m);
    commitAll(repo, 'second');
    for (const args of [
      ['log', '-p'],
      ['show', 'HEAD'],
      ['show', '--textconv', `HEAD:${STORE}`],
    ]) {
      const out = repo.gitOk(args);
      assert.ok(!out.includes(CANARY), args.join(' '));
      assert.match(out, /ADDED = fp:/, args.join(' '));
    }
    assert.equal(objectsContain(repo, CANARY), false, 'no Git object holds the value');
  });

  it('equal values have equal fingerprints; different values different ones', () => {
    const repo = newRepo();
    repo.kagiOk(['git', 'setup']);
    setStdin(repo, 'A', CANARY);
    setStdin(repo, 'B', CANARY);
    setStdin(repo, 'C', `${CANARY}!`);
    commitAll(repo, 'x');
    const out = repo.gitOk(['show', '--textconv', `HEAD:${STORE}`]);
    const fp = (k: string) => new RegExp(`^${k} = fp:([0-9a-f]{16})$`, 'm').exec(out)![1];
    assert.equal(fp('A'), fp('B'));
    assert.notEqual(fp('A'), fp('C'));
  });

  it('a rotation alone changes no key line', () => {
    const repo = repoWithStore();
    const bob = addMember(repo, 'bob');
    commitAll(repo, 'bob joins');
    repo.kagiOk(['member', 'remove', bob.id, '--yes']);
    commitAll(repo, 'rotate');
    const before = repo.gitOk(['show', 'HEAD~1:.kagi/access.json']);
    assert.notEqual(before, repo.read('.kagi/access.json'), 'the rotation rewrote the wraps');
    const r = repo.git(['diff', 'HEAD~1', 'HEAD', '--', STORE]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(changedLines(r.stdout), [], 'no key looks changed across the rotation');
    // The removed device opens what it could open then, and says what it cannot open now.
    const asBob = repo.git(['diff', 'HEAD~1', 'HEAD', '--', STORE], { home: bob.home });
    assert.equal(asBob.code, 0, asBob.stderr);
    assert.match(asBob.stdout, /^-KEEP = fp:/m);
    assert.match(
      asBob.stdout,
      /^\+# kagi: encrypted store of api\/development \(ciphertext [0-9a-f]{12}\): this device holds no project key that opens it$/m,
    );
  });

  it('a device that cannot decrypt gets one line per side and exit 0', () => {
    const repo = repoWithStore();
    setStdin(repo, 'CHANGE', `${CANARY}-other`);
    const stranger = device('stranger').home;
    const r = repo.git(['diff'], { home: stranger });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => /^[ +-][^+-]/.test(l));
    assert.equal(lines.length, 2, r.stdout);
    assert.match(
      lines[0]!,
      /^-# kagi: encrypted store of api\/development \(ciphertext [0-9a-f]{12}\): this device holds no project key that opens it$/,
    );
    assert.match(lines[1]!, /^\+# kagi: encrypted store of api\/development \(ciphertext [0-9a-f]{12}\): this device/);
  });

  it('bad input: a one-line answer and exit 0 for each', () => {
    const repo = repoWithStore();
    const dir = tempDir('kagi-textconv-');
    const good = repo.read(STORE);
    const cases: [string, string | Buffer, RegExp][] = [
      ['empty', '', /empty file/],
      ['truncated', good.slice(0, good.length / 2), /not a kagi store/],
      ['conflicted', `<<<<<<< ours\n${good}\n=======\n${good}\n>>>>>>> theirs\n`, /conflict markers/],
      ['binary', Buffer.from([0x00, 0xff, 0x10, 0x00]), /binary data \(4 bytes\)/],
      ['not json', 'hello', /not a kagi store/],
      [
        'tampered',
        good.replace(/"ciphertext": "(.)/, (_m, c: string) => `"ciphertext": "${c === 'A' ? 'B' : 'A'}`),
        /no project key that opens it/,
      ],
      [
        'artifact',
        JSON.stringify({
          version: 1,
          algorithm: 'XCHACHA20-POLY1305',
          kind: 'file\u001b[31m',
          nonce: 'A'.repeat(32),
          ciphertext: 'AAAA',
          tag: 'A'.repeat(22) + '==',
          aad: '',
        }),
        /file artifact \(kind file\\u001b\[31m\)/,
      ],
    ];
    for (const [name, content, expected] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      const r = repo.kagi(['git', 'textconv', file]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal(r.stdout.split('\n').length, 2, `${name}: one line: ${r.stdout}`);
      assert.match(r.stdout, expected, name);
    }
  });

  it('works from a sub-folder and on a detached HEAD', () => {
    const repo = repoWithStore();
    setStdin(repo, 'CHANGE', `${CANARY}-9`);
    commitAll(repo, 'two');
    repo.gitOk(['checkout', '-q', '--detach', 'HEAD']);
    fs.mkdirSync(path.join(repo.dir, 'sub'));
    const r = repo.git(['diff', 'HEAD~1', 'HEAD'], { cwd: path.join(repo.dir, 'sub') });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(changedLines(r.stdout), ['-CHANGE = fp:…', '+CHANGE = fp:…']);
  });
});

describe("the editor's rendering of a revision (Open Changes)", function () {
  this.timeout(120_000);
  before(ensureCliBuilt);

  it('renders a blob the Git extension named, a revision, and refuses what is not a blob id or too large', async () => {
    const repo = newRepo();
    setStdin(repo, 'OLD', `${CANARY}-old`);
    commitAll(repo, 'first');
    setStdin(repo, 'NEW', `${CANARY}-new`);
    const host = { env: { KAGI_HOME: repo.home, USER: 'tester' } };
    const file = path.join(repo.dir, STORE);
    const blob = repo.gitOk(['rev-parse', `HEAD:${STORE}`]).trim();
    const byBlob = await storeRendering(file, host, { blob, size: 100 });
    assert.match(byBlob, /^OLD = fp:[0-9a-f]{16}$/m);
    assert.doesNotMatch(byBlob, /NEW/);
    assert.equal(await storeRendering(file, host, { revision: 'HEAD' }), byBlob);
    assert.match(await storeRendering(file, host), /^NEW = fp:[0-9a-f]{16}$/m);
    assert.equal(await storeRendering(file, host, { blob: 'HEAD:x' }), '# kagi: not a blob id\n');
    assert.match(await storeRendering(file, host, { blob, size: 1 << 30 }), /too large for a kagi store/);
    assert.match(await storeRendering(file, host, { revision: 'no-such-branch' }), /^# kagi: not in no-such-branch$/m);
    for (const text of [byBlob, await storeRendering(file, host)]) assert.ok(!text.includes(CANARY));
  });
});
