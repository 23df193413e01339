import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { initProject } from '../../src/vault/usecases/init';
import { Project } from '../../src/vault/project/project';
import {
  approveMember,
  listMembers,
  mergeAccessConflict,
  recipientFingerprint,
  rejectRequest,
  requestAccess,
  resolveAccessConflict,
  setRole,
} from '../../src/vault/members';
import { removeMember } from '../../src/vault/rotation';
import { unwrapProjectKey } from '../../src/vault/crypto/wrap';
import { decodeBase64Strict } from '../../src/vault/format/encoding';
import { loadIdentity } from '../../src/vault/device/identity';
import { signingKeyPath } from '../../src/vault/device/dataDir';
import { serializeAccessList, type AccessList, type Member } from '../../src/vault/format/access';
import { device, tempDir } from './helpers';

type Dev = ReturnType<typeof device>;
const code = (c: string, re?: RegExp) => (e: Error & { code?: string }) => e.code === c && (!re || re.test(e.message));

/** alice owns a project; bob and carol each have a pending request. */
async function team() {
  const root = tempDir();
  const alice = device('alice');
  const bob = device('bob');
  const carol = device('carol');
  const { project: aliceP, owner } = await initProject(root, alice);
  const bobReq = await requestAccess(Project.open(root, bob), { name: '  Bob B  ' });
  const carolReq = await requestAccess(Project.open(root, carol));
  const open = (d: Dev) => Project.open(root, d);
  return { root, alice, bob, carol, aliceP, owner, bobReq, carolReq, open };
}

function editAccess(project: Project, edit: (a: AccessList) => void): void {
  const access = project.access();
  edit(access);
  project.writeAccess(access);
}

const byId = (p: Project, id: string): Member | undefined => p.access().members.find((m) => m.memberId === id);

describe('member request (docs/format.md §7.2)', () => {
  it('adds a pending member with a fresh id, trimmed name, identity and signing key', async () => {
    const { bob, bobReq, carolReq, aliceP } = await team();
    assert.match(bobReq.memberId, /^kgm_[A-Za-z0-9_-]{12}$/);
    assert.deepEqual(
      [bobReq.name, bobReq.role, bobReq.status, bobReq.wrappedKey],
      ['Bob B', 'member', 'pending', undefined],
    );
    assert.equal(carolReq.name, 'carol', 'an empty name falls back to $USER');
    assert.equal(bobReq.recipient, (await loadIdentity(bob.home))!.recipient);
    const seed = fs.readFileSync(signingKeyPath(bob.home, bobReq.memberId), 'utf8');
    assert.equal(decodeBase64Strict(seed)?.length, 32);
    const priv = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed, 'base64')]),
      format: 'der',
      type: 'pkcs8',
    });
    const pub = Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x!, 'base64url').toString('base64');
    assert.equal(bobReq.signingPublicKey, pub, 'signing_public_key matches the stored seed');
    assert.deepEqual(
      aliceP
        .access()
        .members.map((m) => m.status)
        .sort(),
      ['active', 'pending', 'pending'],
    );
  });

  it('keeps every request when two devices ask at the same time', async () => {
    const root = tempDir();
    await initProject(root, device('alice'));
    const devs = ['d1', 'd2', 'd3', 'd4'].map((n) => device(n));
    await Promise.all(devs.map((d) => requestAccess(Project.open(root, d))));
    const names = Project.open(root, devs[0]!)
      .access()
      .members.filter((m) => m.status === 'pending')
      .map((m) => m.name)
      .sort();
    assert.deepEqual(names, ['d1', 'd2', 'd3', 'd4']);
  });

  it('needs an active owner in access.json and writes nothing otherwise', async () => {
    const root = tempDir();
    const { project } = await initProject(root, device('alice'));
    fs.writeFileSync(project.file('access.json'), '{"version":"2","members":[]}');
    const bob = device('bob');
    await assert.rejects(requestAccess(Project.open(root, bob)), code('bad-access', /no active owner/));
    assert.equal(fs.readFileSync(project.file('access.json'), 'utf8'), '{"version":"2","members":[]}');
    assert.ok(
      !fs.existsSync(path.join(bob.home, 'identities')) ||
        fs.readdirSync(path.join(bob.home, 'identities')).every((f) => !f.endsWith('.signkey')),
    );
  });
});

describe('member approve (docs/format.md §7.4)', () => {
  it('turns pending into active with a wrap of the project key, as a member; the rest survives', async () => {
    const t = await team();
    editAccess(t.aliceP, (a) => {
      const alice = a.members.find((m) => m.memberId === t.owner.memberId)!;
      alice.wrappedToken = 'dG9rZW4=';
      alice.extra = { ...alice.extra, token_id: 'kgt_1' };
      a.extra = { ...a.extra, server_hint: { keep: true } };
    });
    const approved = await approveMember(t.aliceP, t.bobReq.memberId);
    assert.deepEqual([approved.status, approved.role], ['active', 'member']);

    const bobIdentity = (await loadIdentity(t.bob.home))!;
    const bobKey = await unwrapProjectKey(
      decodeBase64Strict(byId(t.aliceP, t.bobReq.memberId)!.wrappedKey!)!,
      bobIdentity.secretKey,
    );
    assert.deepEqual(bobKey, (await t.aliceP.key()).key);
    assert.equal((await t.open(t.bob).key()).member?.memberId, t.bobReq.memberId);

    const raw = JSON.parse(fs.readFileSync(t.aliceP.file('access.json'), 'utf8'));
    const rawById = (id: string) => raw.members.find((m: { member_id: string }) => m.member_id === id);
    assert.equal(rawById(t.owner.memberId).wrapped_token, 'dG9rZW4=');
    assert.equal(rawById(t.owner.memberId).token_id, 'kgt_1');
    assert.equal(rawById(t.owner.memberId).signing_public_key, t.owner.signingPublicKey);
    assert.deepEqual(raw.server_hint, { keep: true });
    assert.equal(rawById(t.carolReq.memberId).status, 'pending');
    assert.equal(rawById(t.carolReq.memberId).signing_public_key, t.carolReq.signingPublicKey);
    assert.equal(rawById(t.bobReq.memberId).signing_public_key, t.bobReq.signingPublicKey);
  });

  it('refuses a non-owner and writes nothing', async () => {
    const t = await team();
    await approveMember(t.aliceP, t.bobReq.memberId);
    const before = fs.readFileSync(t.aliceP.file('access.json'), 'utf8');
    await assert.rejects(
      approveMember(t.open(t.bob), t.carolReq.memberId),
      code('not-an-owner', /^only an owner can manage project members$/),
    );
    await assert.rejects(approveMember(t.open(t.carol), t.carolReq.memberId), code('not-an-owner'));
    assert.equal(fs.readFileSync(t.aliceP.file('access.json'), 'utf8'), before);
  });

  it('only approves pending requests', async () => {
    const t = await team();
    await assert.rejects(approveMember(t.aliceP, t.owner.memberId), code('member-not-found', /is active, not pending/));
    await assert.rejects(approveMember(t.aliceP, 'kgm_doesnotexist'), code('member-not-found', /kgm_doesnotexist/));
  });
});

describe('reject, promote, demote', () => {
  it('reject deletes a pending entry and refuses an active one', async () => {
    const t = await team();
    await rejectRequest(t.aliceP, t.carolReq.memberId);
    assert.equal(byId(t.aliceP, t.carolReq.memberId), undefined);
    assert.equal(byId(t.aliceP, t.bobReq.memberId)?.status, 'pending');
    await approveMember(t.aliceP, t.bobReq.memberId);
    await assert.rejects(rejectRequest(t.aliceP, t.bobReq.memberId), code('member-not-found', /is active/));
    assert.equal(byId(t.aliceP, t.bobReq.memberId)?.status, 'active');
    await assert.rejects(rejectRequest(t.open(t.bob), t.owner.memberId), code('not-an-owner'));
  });

  it('promote hands management to another member; the last active owner cannot be demoted', async () => {
    const t = await team();
    await approveMember(t.aliceP, t.bobReq.memberId);
    await assert.rejects(setRole(t.aliceP, t.owner.memberId, 'member'), code('last-owner', /last active owner/));
    await assert.rejects(
      setRole(t.aliceP, t.carolReq.memberId, 'owner'),
      code('member-not-found', /pending, not active/),
    );
    assert.equal((await setRole(t.aliceP, t.bobReq.memberId, 'owner')).role, 'owner');
    // bob's device never recorded the members: its first approval trusts them on first use.
    await assert.rejects(approveMember(t.open(t.bob), t.carolReq.memberId), code('membership-changed', /first use/));
    await approveMember(t.open(t.bob), t.carolReq.memberId, { accept: ['first-use'] });
    assert.equal((await setRole(t.open(t.bob), t.owner.memberId, 'member')).role, 'member');
    await assert.rejects(setRole(t.open(t.bob), t.bobReq.memberId, 'member'), code('last-owner'));
    await assert.rejects(setRole(t.aliceP, t.carolReq.memberId, 'owner'), code('not-an-owner'));
    assert.deepEqual(
      t.aliceP
        .access()
        .members.filter((m) => m.role === 'owner')
        .map((m) => m.memberId),
      [t.bobReq.memberId],
    );
  });
});

describe('listMembers', () => {
  it('tells each device who it is and whether it can manage', async () => {
    const t = await team();
    const a = await listMembers(t.aliceP);
    assert.deepEqual([a.me?.memberId, a.canManage, a.members.length], [t.owner.memberId, true, 3]);
    assert.equal(a.myRecipient, (await loadIdentity(t.alice.home))!.recipient);
    const b = await listMembers(t.open(t.bob));
    assert.deepEqual([b.me?.memberId, b.me?.status, b.canManage], [t.bobReq.memberId, 'pending', false]);
    await approveMember(t.aliceP, t.bobReq.memberId);
    const b2 = await listMembers(t.open(t.bob));
    assert.deepEqual([b2.me?.status, b2.canManage], ['active', false]);
    await removeMember(t.aliceP, t.bobReq.memberId);
    const again = await requestAccess(t.open(t.bob));
    const b3 = await listMembers(t.open(t.bob));
    assert.deepEqual(
      [b3.me?.memberId, b3.me?.status],
      [again.memberId, 'pending'],
      'a new request beats the old removal',
    );
    const stranger = await listMembers(t.open(device('eve')));
    assert.deepEqual([stranger.me, stranger.myRecipient, stranger.canManage], [undefined, undefined, false]);
  });
});

describe('recipientFingerprint', () => {
  it('is 4 groups of 4 hex digits of SHA-256(recipient), stable and distinct', () => {
    const r1 = 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq';
    const fp = recipientFingerprint(r1);
    assert.match(fp, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    assert.equal(fp, createHash('sha256').update(r1).digest('hex').slice(0, 16).match(/.{4}/g)!.join('-'));
    assert.notEqual(recipientFingerprint(r1.replace(/q$/, 'p')), fp);
  });
});

// ---------------------------------------------------------------------------

function m(id: string, status: Member['status'], extra: Partial<Member> = {}): Member {
  return { memberId: id, name: id, recipient: 'age1r', role: 'member', status, extra: {}, ...extra };
}
const OWNER = m('kgm_0', 'active', { role: 'owner', wrappedKey: 'AAAA' });
const text = (members: Member[], extra: Record<string, unknown> = {}) =>
  serializeAccessList({ version: '2', members, extra });

/** A conflicted file as Git writes it: shared head, ours, optional base, theirs, shared tail. */
function conflicted(ours: string, theirs: string, base?: string): string {
  const o = ours.split('\n');
  const t = theirs.split('\n');
  let head = 0;
  while (o[head] === t[head]) head++;
  let tail = 0;
  while (tail < o.length - head && o[o.length - 1 - tail] === t[t.length - 1 - tail]) tail++;
  return [
    ...o.slice(0, head),
    '<<<<<<< HEAD',
    ...o.slice(head, o.length - tail),
    ...(base === undefined ? [] : ['||||||| base', base]),
    '=======',
    ...t.slice(head, t.length - tail),
    '>>>>>>> other',
    ...o.slice(o.length - tail),
  ].join('\n');
}

describe('mergeAccessConflict', () => {
  it('unions members by id and prefers removed > active > pending, then the side with a wrapped_key', () => {
    const ours = text(
      [
        OWNER,
        m('kgm_a', 'pending'),
        m('kgm_b', 'active', { wrappedKey: 'QQ==' }),
        m('kgm_c', 'pending', { extra: { x: 1 } }),
      ],
      { top: 'o' },
    );
    const theirs = text(
      [
        OWNER,
        m('kgm_a', 'active', { wrappedKey: 'Qg==' }),
        m('kgm_b', 'removed'),
        m('kgm_c', 'pending', { extra: { y: 2 } }),
        m('kgm_d', 'pending'),
      ],
      { top: 't', more: 1 },
    );
    const merged = mergeAccessConflict(conflicted(ours, theirs, '    "base": true'));
    const get = (id: string) => merged.members.find((x) => x.memberId === id)!;
    assert.deepEqual(
      merged.members.map((x) => x.memberId),
      ['kgm_0', 'kgm_a', 'kgm_b', 'kgm_c', 'kgm_d'],
    );
    assert.deepEqual([get('kgm_a').status, get('kgm_a').wrappedKey], ['active', 'Qg==']);
    assert.deepEqual([get('kgm_b').status, get('kgm_b').wrappedKey], ['removed', undefined]);
    assert.deepEqual(get('kgm_c').extra, { x: 1, y: 2 });
    assert.deepEqual(merged.extra, { top: 'o', more: 1 });
  });

  it('throws a conflict error with a hint when a side does not parse', () => {
    const ours = text([OWNER, m('kgm_a', 'pending')]);
    const broken = ours.replace('"kgm_a"', 'kgm_a');
    assert.throws(
      () => mergeAccessConflict(conflicted(ours, broken)),
      (e: Error & { code?: string; hint?: string }) =>
        e.code === 'conflict' && /"theirs" side/.test(e.message) && /by hand/.test(e.hint!),
    );
    assert.throws(() => mergeAccessConflict(`<<<<<<< HEAD\n${ours}\n=======\n`), code('conflict', /unterminated/));
  });
});

describe('access.json conflict from a real git merge', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args],
      { cwd, encoding: 'utf8' },
    );

  for (const style of ['merge', 'diff3']) {
    it(`two branches each adding a pending member merge to the union (conflictStyle=${style})`, async () => {
      const root = tempDir();
      git(root, 'init', '-q', '-b', 'main');
      const alice = device('alice');
      const { project } = await initProject(root, alice);
      // Sort alice first, so both branches append after her and their hunks collide.
      editAccess(project, (a) => {
        a.members[0]!.memberId = 'kgm_------------';
      });
      git(root, 'add', '.kagi');
      git(root, 'commit', '-q', '-m', 'init');
      git(root, 'checkout', '-q', '-b', 'bob');
      const bob = await requestAccess(Project.open(root, device('bob')));
      git(root, 'commit', '-q', '-am', 'bob requests access');
      git(root, 'checkout', '-q', 'main');
      const carol = await requestAccess(Project.open(root, device('carol')));
      git(root, 'commit', '-q', '-am', 'carol requests access');
      const merge = spawnSync(
        'git',
        [
          '-c',
          `merge.conflictStyle=${style}`,
          '-c',
          'user.name=t',
          '-c',
          'user.email=t@example.invalid',
          'merge',
          'bob',
        ],
        { cwd: root, encoding: 'utf8' },
      );
      assert.notEqual(merge.status, 0, 'git must report a conflict');
      const conflictedText = fs.readFileSync(project.file('access.json'), 'utf8');
      assert.match(conflictedText, /^<<<<<<< /m);
      if (style === 'diff3') assert.match(conflictedText, /^\|{7} /m);
      await assert.rejects(
        Promise.resolve().then(() => project.access()),
        code('bad-access', /conflict markers/),
      );

      const resolved = await resolveAccessConflict(Project.open(root, alice));
      const ids = resolved.members.map((x) => `${x.memberId}:${x.status}`).sort();
      assert.deepEqual(ids, [`${bob.memberId}:pending`, `${carol.memberId}:pending`, 'kgm_------------:active'].sort());
      const onDisk = project.access();
      assert.equal(onDisk.members.length, 3);
      assert.equal(onDisk.members.find((x) => x.memberId === bob.memberId)?.signingPublicKey, bob.signingPublicKey);
      assert.ok(!/^(<{7}|={7}|>{7})/m.test(fs.readFileSync(project.file('access.json'), 'utf8')));
      await approveMember(Project.open(root, alice), carol.memberId);
    });
  }
});
