import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoStack, ensureCliBuilt, kagi, kagiOk } from './cli-harness';
import { device, sha256Tree, tempDir } from './helpers';
import { Project } from '../../src/vault/project/project';
import { approveMember, requestAccess } from '../../src/vault/team/members';
import { planRotation } from '../../src/vault/team/rotation';
import { applyJournal, writeJournal } from '../../src/vault/project/journal';
import { openArtifact } from '../../src/vault/project/artifacts';

// The Rust CLI's rotation gap (docs/format.md §7.5): its `member remove` re-encrypts the stores
// but leaves files/ under the old key. `kagi doctor` names it; `doctor --fix` recovers the old
// key through this device's wrap in an earlier Git revision of access.json (real `git`).

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

const CERT = Buffer.from([0x30, 0x82, 0, 0xff, 10, 13, 0]);

/** alice (owner) and bob in Git; two files; then a rotation that removes bob the Rust way. */
async function rotatedByRust() {
  const root = tempDir('kagi-gap-');
  git(root, 'init', '-q', '.');
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => device(n)) as [
    ReturnType<typeof device>,
    ReturnType<typeof device>,
    ReturnType<typeof device>,
  ];
  const o = (d: { home: string }) => ({ cwd: root, home: d.home, env: { HOME: root } });
  kagiOk(['init', '--envs', 'development,production'], o(alice));
  kagiOk(['set', 'api', 'production', 'DB_URL', 'postgres://x'], o(alice));
  const aliceP = Project.open(root, alice);
  await approveMember(aliceP, (await requestAccess(Project.open(root, bob))).memberId);
  fs.writeFileSync(path.join(root, 'cert.p12'), CERT);
  fs.writeFileSync(path.join(root, 'sa.json'), '{"k":"v"}');
  kagiOk(['file', 'add', 'api', 'production', 'cert.p12'], o(alice));
  kagiOk(['file', 'add', '--name', 'gcp', 'sa.json'], o(alice));
  git(root, 'add', '.kagi');
  git(root, 'commit', '-qm', 'vault with files');
  const oldKey = (await aliceP.key()).key;

  // What the Rust CLI's `member remove` writes: new stores and access.json, files/ untouched.
  const bobId = aliceP.access().members.find((m) => m.name === 'bob')!.memberId;
  await aliceP.mutate(async () => {
    const plan = await planRotation(aliceP, bobId);
    const rust = { ...plan.journal, artifacts: {} };
    writeJournal(aliceP.dataDir, rust);
    await applyJournal(aliceP.kagiDir, aliceP.dataDir, rust);
  });
  aliceP.forgetKey();
  git(root, 'add', '.kagi');
  git(root, 'commit', '-qm', 'remove bob (rust kagi)');
  fs.rmSync(path.join(root, 'cert.p12'));
  return { root, alice, bob, carol, o, aliceP, oldKey };
}

describe('doctor: the Rust rotation gap in files/', function () {
  this.timeout(90_000);
  before(() => ensureCliBuilt());

  it('doctor names it; doctor --fix re-encrypts files/ under the current key from Git history', async () => {
    const t = await rotatedByRust();
    const list = kagi(['file', 'list'], t.o(t.alice));
    assert.equal(list.code, 1, 'the files no longer open after the rotation');
    assertNoStack(list.stderr);

    const before = kagi(['doctor'], t.o(t.alice));
    assert.equal(before.code, 2);
    assert.match(
      before.stdout,
      /files\/ +files\/ is still encrypted under an earlier project key: a key rotation \(the Rust CLI's `member remove`\)/,
    );
    assert.match(before.stdout, /hint: run `kagi doctor --fix`/);

    const fixed = kagi(['doctor', '--fix', '--yes'], t.o(t.alice));
    assert.match(fixed.stdout, /re-encrypted 3 file artifact\(s\) under the current project key/);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /ok +files\/ +2 artifact\(s\) decrypt/);

    const shown = spawnSync(
      process.execPath,
      [path.resolve(__dirname, '../../dist/cli.js'), 'file', 'show', '--yes', 'api', 'production', 'cert.p12'],
      {
        cwd: t.root,
        env: { PATH: process.env.PATH, KAGI_HOME: t.alice.home, HOME: t.root },
      },
    );
    assert.equal(shown.status, 0, shown.stderr.toString());
    assert.deepEqual(shown.stdout, CERT);
    assert.equal(kagiOk(['file', 'show', '--yes', 'gcp'], t.o(t.alice)).stdout, '{"k":"v"}');

    // Under the current key now, and no longer under the old one (which bob still holds).
    const cfg = t.aliceP.config();
    const newKey = (await Project.open(t.root, t.alice).key()).key;
    const index = fs.readFileSync(path.join(t.root, '.kagi', 'files', 'index.enc'), 'utf8');
    assert.doesNotThrow(() => openArtifact(cfg, newKey, 'file-index', 'index', index, 'index'));
    assert.throws(() => openArtifact(cfg, t.oldKey, 'file-index', 'index', index, 'index'), /failed authentication/);
    assert.equal(
      fs.existsSync(path.join(t.alice.home, 'projects', `${cfg.projectId}.rotation.json`)),
      false,
      'the journal is gone',
    );
  });

  it('a device that joined after the rotation cannot recover: a clear error, nothing written', async () => {
    const t = await rotatedByRust();
    await approveMember(t.aliceP, (await requestAccess(Project.open(t.root, t.carol))).memberId);
    git(t.root, 'add', '.kagi');
    git(t.root, 'commit', '-qm', 'carol joins');
    const vault = sha256Tree(path.join(t.root, '.kagi'));
    const r = kagi(['doctor', '--fix', '--yes'], t.o(t.carol));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no earlier project key of this device opens \.kagi\/files\/index\.enc/);
    assert.match(r.stderr, /hint: .*recover from a device that was/);
    assertNoStack(r.stderr);
    assert.deepEqual(sha256Tree(path.join(t.root, '.kagi')), vault);
    // alice still can, after carol's attempt.
    kagiOk(['doctor', '--fix', '--yes'], t.o(t.alice));
    assert.equal(kagiOk(['file', 'show', '--yes', 'gcp'], t.o(t.carol)).stdout, '{"k":"v"}');
  });

  it('without Git history the same error, nothing written', async () => {
    const t = await rotatedByRust();
    fs.rmSync(path.join(t.root, '.git'), { recursive: true, force: true });
    const vault = sha256Tree(path.join(t.root, '.kagi'));
    const r = kagi(['doctor', '--fix', '--yes'], t.o(t.alice));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no earlier project key of this device opens/);
    assert.deepEqual(sha256Tree(path.join(t.root, '.kagi')), vault);
  });
});
