import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initProject } from '../../src/vault/usecases/init';
import { Project } from '../../src/vault/project/project';
import { open, scopeAad, seal } from '../../src/vault/crypto/seal';
import { parseEnvelope, serializeEnvelope } from '../../src/vault/format/envelope';
import { utf8 } from '../../src/vault/format/encoding';
import { approveMember, requestAccess } from '../../src/vault/members';
import { planRotation, removeMember, type RotationProgress } from '../../src/vault/rotation';
import { readScopes, setSecrets } from '../../src/vault/usecases/secrets';
import { readArtifact, readArtifactIndex } from '../../src/vault/project/artifacts';
import { parseJournal, writeJournal } from '../../src/vault/project/journal';
import { withLock } from '../../src/vault/disk/lock';
import { unwrapProjectKey } from '../../src/vault/crypto/wrap';
import { decodeBase64Strict } from '../../src/vault/format/encoding';
import { loadIdentity } from '../../src/vault/device/identity';
import { accessSnapshotPath, journalPath, keyCachePath } from '../../src/vault/device/dataDir';
import { writeFileAtomic } from '../../src/vault/disk/files';
import { membershipDir } from '../../src/vault/team/record';
import { CERT, CERT_ID, device, sha256Tree, tempDir, writeCertArtifact } from './helpers';

const code = (c: string, re?: RegExp) => (e: Error & { code?: string }) => e.code === c && (!re || re.test(e.message));

/** alice (owner), bob and carol (active), dave (pending); secrets in three scopes; one file artifact. */
async function team() {
  const root = tempDir();
  const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => device(n)) as [
    ReturnType<typeof device>,
    ReturnType<typeof device>,
    ReturnType<typeof device>,
    ReturnType<typeof device>,
  ];
  const { project: aliceP, owner } = await initProject(root, alice, { envs: ['production'] });
  await setSecrets(aliceP, 'api/production', [{ key: 'DB_URL', value: 'postgres://prod-secret' }]);
  await setSecrets(aliceP, 'production', [{ key: 'ROOT_TOKEN', value: 'root-secret' }]);
  const bobM = await requestAccess(Project.open(root, bob));
  const carolM = await requestAccess(Project.open(root, carol));
  const daveM = await requestAccess(Project.open(root, dave));
  await approveMember(aliceP, bobM.memberId);
  await approveMember(aliceP, carolM.memberId);
  const access = aliceP.access();
  access.members.find((m) => m.memberId === carolM.memberId)!.wrappedToken = 'c2VydmVyLXRva2Vu';
  aliceP.writeAccess(access);
  const cfg = aliceP.config();
  const oldKey = (await aliceP.key()).key;
  writeCertArtifact(aliceP, cfg, oldKey);
  const open = (d: ReturnType<typeof device>) => Project.open(root, d);
  return { root, alice, bob, carol, dave, aliceP, owner, bobM, carolM, daveM, oldKey, open };
}

async function unwrapFor(d: ReturnType<typeof device>, wrappedKey: string): Promise<Uint8Array | undefined> {
  return unwrapProjectKey(decodeBase64Strict(wrappedKey)!, (await loadIdentity(d.home))!.secretKey);
}

const snapshot = (t: { root: string; alice: { home: string } }) => ({
  vault: sha256Tree(path.join(t.root, '.kagi')),
  home: sha256Tree(t.alice.home),
});

describe('remove member = key rotation (docs/format.md §7.5)', () => {
  it('removes the member, re-wraps every active member and re-encrypts every scope and artifact', async () => {
    const t = await team();
    const cfg = t.aliceP.config();
    fs.writeFileSync(keyCachePath(t.alice.home, cfg.projectId), Buffer.from(t.oldKey).toString('hex'));
    const events: RotationProgress[] = [];
    const report = await removeMember(t.aliceP, t.carolM.memberId, (p) => events.push({ ...p }));

    const access = t.aliceP.access();
    const carol = access.members.find((m) => m.memberId === t.carolM.memberId)!;
    assert.deepEqual([carol.status, carol.wrappedKey, carol.wrappedToken], ['removed', undefined, undefined]);
    assert.equal(carol.signingPublicKey, t.carolM.signingPublicKey);
    assert.equal(carol.recipient, t.carolM.recipient);
    const dave = access.members.find((m) => m.memberId === t.daveM.memberId)!;
    assert.deepEqual([dave.status, dave.wrappedKey], ['pending', undefined]);

    const newKey = await unwrapFor(t.alice, access.members.find((m) => m.memberId === t.owner.memberId)!.wrappedKey!);
    assert.ok(newKey && newKey.length === 32);
    assert.notDeepEqual(newKey, t.oldKey);
    assert.deepEqual(
      await unwrapFor(t.bob, access.members.find((m) => m.memberId === t.bobM.memberId)!.wrappedKey!),
      newKey,
    );

    for (const scope of t.aliceP.scopes()) {
      t.aliceP.readScope(cfg, scope, newKey);
      assert.throws(
        () => t.aliceP.readScope(cfg, scope, t.oldKey),
        code('auth-failed'),
        `${scope} must not open with the old key`,
      );
    }
    const bobView = await readScopes(t.open(t.bob));
    assert.equal(bobView.get('api/production')!.secrets.get('DB_URL')!.value, 'postgres://prod-secret');
    assert.equal(bobView.get('production')!.secrets.get('ROOT_TOKEN')!.value, 'root-secret');
    await assert.rejects(t.open(t.carol).key(), code('not-a-member', /was removed/));

    assert.deepEqual(readArtifact(t.aliceP, cfg, newKey, CERT_ID), CERT);
    assert.equal(readArtifactIndex(t.aliceP, cfg, newKey)![0]!.name, 'cert.pem');
    assert.throws(() => readArtifact(t.aliceP, cfg, t.oldKey, CERT_ID), code('auth-failed'));
    assert.throws(() => readArtifactIndex(t.aliceP, cfg, t.oldKey), code('auth-failed'));

    assert.deepEqual([report.removed.memberId, report.scopes, report.artifacts], [t.carolM.memberId, 3, 2]);
    assert.deepEqual(report.remaining.map((m) => m.memberId).sort(), [t.owner.memberId, t.bobM.memberId].sort());
    assert.ok(!fs.existsSync(journalPath(t.alice.home, cfg.projectId)), 'the journal is deleted');
    assert.equal(
      fs.readFileSync(accessSnapshotPath(t.alice.home, cfg.projectId), 'utf8'),
      fs.readFileSync(t.aliceP.file('access.json'), 'utf8'),
    );
    assert.equal(
      fs.readFileSync(keyCachePath(t.alice.home, cfg.projectId), 'utf8'),
      Buffer.from(newKey).toString('hex'),
      'a stale key cache is refreshed',
    );
    assert.deepEqual((await t.aliceP.key()).key, newKey, 'the in-memory key is forgotten');

    assert.deepEqual(
      events.map((e) => e.step).filter((s, i, a) => a[i - 1] !== s),
      ['stores', 'access', 'journal', 'done'],
    );
    assert.deepEqual(
      events.find((e) => e.step === 'stores' && e.done === e.total),
      { step: 'stores', done: 3, total: 3 },
    );
    assert.deepEqual(
      events.find((e) => e.step === 'access' && e.done === e.total),
      { step: 'access', done: 2, total: 2 },
    );
  });

  it('re-seals every store by the writer rules: unknown fields kept, name == scope, map key == secret.key', async () => {
    const t = await team();
    const cfg = t.aliceP.config();
    // As another writer might have stored it: unsorted, extra fields, a drifted `key`, another name.
    const foreign =
      '{"secrets":{"Z":{"value":"z","key":"Z","rotation_hint":3},"A":{"key":"a-drift","value":"a"}},"name":"elsewhere","v":2}';
    writeFileAtomic(
      t.aliceP.file(cfg.services['api/production']!.file),
      serializeEnvelope(seal(t.oldKey, scopeAad('api/production'), utf8(foreign))),
    );
    await removeMember(t.aliceP, t.carolM.memberId);
    const after = t.aliceP.config();
    const newKey = (await t.aliceP.key(after)).key;
    assert.notDeepEqual(Buffer.from(newKey), Buffer.from(t.oldKey));
    const { text, file } = t.aliceP.sealedScope(after, 'api/production');
    const plain = JSON.parse(
      Buffer.from(open(newKey, scopeAad('api/production'), parseEnvelope(text, file), file)).toString(),
    );
    assert.deepEqual(plain, {
      name: 'api/production',
      v: 2,
      secrets: { A: { key: 'A', value: 'a' }, Z: { key: 'Z', value: 'z', rotation_hint: 3 } },
    });
  });

  it('aborts, writing nothing, when a store decrypts to something that is not a store', async () => {
    const t = await team();
    const cfg = t.aliceP.config();
    writeFileAtomic(
      t.aliceP.file(cfg.services['production']!.file),
      serializeEnvelope(seal(t.oldKey, scopeAad('production'), utf8('{"name":"production"}'))),
    );
    const before = snapshot(t);
    await assert.rejects(removeMember(t.aliceP, t.carolM.memberId), code('bad-store', /has no "secrets" object/));
    assert.deepEqual(snapshot(t), before);
  });

  it('may remove a pending member too (any status), still rotating', async () => {
    const t = await team();
    await removeMember(t.aliceP, t.daveM.memberId);
    assert.equal(t.aliceP.access().members.find((m) => m.memberId === t.daveM.memberId)?.status, 'removed');
    assert.throws(() => t.aliceP.readScope(t.aliceP.config(), 'production', t.oldKey), code('auth-failed'));
  });

  it('refuses the last active owner, a non-owner and an unknown id, writing nothing', async () => {
    const t = await team();
    const before = snapshot(t);
    await assert.rejects(removeMember(t.aliceP, t.owner.memberId), code('last-owner', /last active owner/));
    await assert.rejects(removeMember(t.open(t.bob), t.carolM.memberId), code('not-an-owner', /only an owner/));
    await assert.rejects(removeMember(t.aliceP, 'kgm_nobody000000'), code('member-not-found'));
    assert.deepEqual(snapshot(t), before);
  });

  it('aborts before writing anything when one scope or artifact does not decrypt', async () => {
    const t = await team();
    // The development store moved onto production: valid JSON, wrong AAD.
    fs.copyFileSync(t.aliceP.file('secrets/api/development.enc'), t.aliceP.file('secrets/api/production.enc'));
    const before = snapshot(t);
    await assert.rejects(
      removeMember(t.aliceP, t.carolM.memberId),
      code('auth-failed', /secrets\/api\/production\.enc/),
    );
    assert.deepEqual(snapshot(t), before);

    const t2 = await team();
    fs.copyFileSync(t2.aliceP.file('files/index.enc'), t2.aliceP.file(`files/${CERT_ID}.enc`));
    const before2 = snapshot(t2);
    await assert.rejects(removeMember(t2.aliceP, t2.carolM.memberId), code('bad-store', /kind mismatch/));
    assert.deepEqual(snapshot(t2), before2);
  });
});

describe('remove member: a substituted recipient', () => {
  it("is refused when an active member's recipient differs from the last access.json this device wrote", async () => {
    const t = await team();
    const mallory = device('mallory');
    const malloryRecipient = (await requestAccess(Project.open(t.root, mallory))).recipient;
    // An edit in a pull request: carol's entry now names mallory's device.
    const text = fs.readFileSync(t.aliceP.file('access.json'), 'utf8').replace(t.carolM.recipient, malloryRecipient);
    fs.writeFileSync(t.aliceP.file('access.json'), text);
    const before = snapshot(t);
    await assert.rejects(
      removeMember(t.open(t.alice), t.bobM.memberId),
      code('membership-changed', /recipient changed/),
    );
    assert.deepEqual(snapshot(t), before);
  });

  it('a device with no membership record refuses until the active entries are trusted on first use', async () => {
    const t = await team();
    // The Rust CLI's snapshot is not evidence (Rust rewrites it from whatever it read): only our record counts.
    fs.rmSync(accessSnapshotPath(t.alice.home, t.aliceP.projectId()));
    fs.rmSync(membershipDir(t.alice.home), { recursive: true });
    const before = snapshot(t);
    await assert.rejects(removeMember(t.open(t.alice), t.bobM.memberId), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'membership-changed');
      assert.match(e.message, /trust on first use/);
      assert.ok(e.message.includes(t.carolM.memberId) && e.message.includes(t.carolM.recipient), e.message);
      assert.ok(!e.message.includes(t.bobM.memberId), 'the member being removed is no risk and is not listed');
      return true;
    });
    assert.deepEqual(snapshot(t), before);
    const report = await removeMember(t.open(t.alice), t.bobM.memberId, undefined, { accept: ['first-use'] });
    assert.equal(report.removed.memberId, t.bobM.memberId);
  });
});

describe('interrupted rotation: the journal (docs/format.md §7.6)', () => {
  /** Plans a rotation and writes its journal, then "crashes" before applying it. */
  async function crashAfterJournal() {
    const t = await team();
    const projectId = t.aliceP.config().projectId;
    const plan = await withLock(t.aliceP.file('.lock'), () => planRotation(t.aliceP, t.carolM.memberId));
    writeJournal(t.alice.home, plan.journal);
    const jFile = journalPath(t.alice.home, projectId);
    assert.deepEqual(
      parseJournal(fs.readFileSync(jFile, 'utf8'), jFile, projectId),
      plan.journal,
      'the journal holds exactly the plan',
    );
    assert.deepEqual(Object.keys(plan.journal.artifacts).sort(), ['files/index.enc', `files/${CERT_ID}.enc`]);
    // Nothing in the vault changed yet.
    t.aliceP.readScope(t.aliceP.config(), 'production', t.oldKey);
    return { ...t, plan, jFile, projectId };
  }

  function assertReplayed(t: Awaited<ReturnType<typeof crashAfterJournal>>, skip: string[] = []): void {
    for (const [rel, content] of Object.entries({ ...t.plan.journal.files, ...t.plan.journal.artifacts })) {
      if (!skip.includes(rel))
        assert.equal(fs.readFileSync(t.aliceP.file(rel), 'utf8'), content, `${rel} equals the journal`);
    }
    assert.equal(fs.readFileSync(t.aliceP.file('access.json'), 'utf8'), t.plan.journal.accessJson);
    assert.equal(fs.readFileSync(accessSnapshotPath(t.alice.home, t.projectId), 'utf8'), t.plan.journal.accessJson);
    assert.ok(!fs.existsSync(t.jFile), 'the journal is deleted after replay');
  }

  it('is replayed by the next read (readScopes) and then deleted', async () => {
    const t = await crashAfterJournal();
    const scopes = await readScopes(Project.open(t.root, t.alice));
    assert.equal(scopes.get('api/production')!.secrets.get('DB_URL')!.value, 'postgres://prod-secret');
    assertReplayed(t);
    assert.deepEqual(readArtifact(t.aliceP, t.aliceP.config(), t.plan.newKey, CERT_ID), CERT);
    assert.throws(() => t.aliceP.readScope(t.aliceP.config(), 'production', t.oldKey), code('auth-failed'));
  });

  it('is replayed by the next write (setSecrets) before it writes with the new key', async () => {
    const t = await crashAfterJournal();
    const p = Project.open(t.root, t.alice);
    await p.key(); // caches the old key: replay must make the project forget it
    await setSecrets(p, 'production', [{ key: 'NEW', value: 'after-crash' }]);
    assertReplayed(t, ['secrets/production.enc']);
    const store = t.aliceP.readScope(t.aliceP.config(), 'production', t.plan.newKey);
    assert.deepEqual(
      [store.secrets.get('NEW')?.value, store.secrets.get('ROOT_TOKEN')?.value],
      ['after-crash', 'root-secret'],
    );
  });

  it('a half-applied journal (some files written) is finished the same way', async () => {
    const t = await crashAfterJournal();
    const [firstRel, firstText] = Object.entries(t.plan.journal.files)[0]!;
    writeFileAtomic(t.aliceP.file(firstRel), firstText);
    await readScopes(Project.open(t.root, t.alice));
    assertReplayed(t);
  });

  const badJournals: [string, (projectId: string, access: string) => unknown, RegExp][] = [
    [
      '../x',
      (id, a) => ({ version: 1, project_id: id, access_json: a, files: { '../x': 'pwned' } }),
      /unsafe path "\.\.\/x"/,
    ],
    [
      'secrets/../x',
      (id, a) => ({ version: 1, project_id: id, access_json: a, files: { 'secrets/../x': 'pwned' } }),
      /unsafe path/,
    ],
    [
      '/abs',
      (id, a) => ({ version: 1, project_id: id, access_json: a, files: { '/tmp/kagi-abs-x': 'pwned' } }),
      /unsafe path/,
    ],
    [
      'an artifact path outside files/',
      (id, a) => ({
        version: 1,
        project_id: id,
        access_json: a,
        files: {},
        artifacts: { 'files/../kagi.json': 'pwned' },
      }),
      /unsafe path/,
    ],
    [
      'a wrong project_id',
      (_id, a) => ({ version: 1, project_id: 'kgp_someoneelse', access_json: a, files: {} }),
      /belongs to project "kgp_someoneelse"/,
    ],
    ['version 2', (id, a) => ({ version: 2, project_id: id, access_json: a, files: {} }), /unsupported version 2/],
  ];
  for (const [what, make, re] of badJournals) {
    it(`refuses a journal with ${what} and writes nothing`, async () => {
      const root = tempDir();
      const alice = device('alice');
      const { project } = await initProject(root, alice);
      await setSecrets(project, 'development', [{ key: 'A', value: '1' }]);
      const projectId = project.config().projectId;
      const jFile = journalPath(alice.home, projectId);
      const access = fs.readFileSync(project.file('access.json'), 'utf8');
      writeFileAtomic(
        jFile,
        JSON.stringify(make(projectId, access.replace('"version": "2"', '"version": "9"')), null, 2),
      );
      const before = sha256Tree(root);
      await assert.rejects(readScopes(Project.open(root, alice)), code('journal', re));
      await assert.rejects(
        setSecrets(Project.open(root, alice), 'development', [{ key: 'B', value: '2' }]),
        code('journal'),
      );
      assert.deepEqual(sha256Tree(root), before);
      assert.ok(!fs.existsSync(path.join(root, 'x')) && !fs.existsSync('/tmp/kagi-abs-x'));
      assert.ok(fs.existsSync(jFile), 'a refused journal is kept for a person to inspect');
    });
  }
});
