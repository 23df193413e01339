import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initProject } from '../../src/vault/usecases/init';
import { Project } from '../../src/vault/project/project';
import {
  approveMember,
  requestAccess,
  resolveAccessConflict,
  reviewApproval,
  reviewConflictMerge,
} from '../../src/vault/members';
import { removeMember, reviewRemoval } from '../../src/vault/rotation';
import { parseAccessList, serializeAccessList, type Member } from '../../src/vault/format/access';
import { findRecords, membershipDir } from '../../src/vault/team/record';
import { loadOrCreateIdentity } from '../../src/vault/device/identity';
import { device, sha256Tree, tempDir } from './helpers';

const code = (c: string, re?: RegExp) => (e: Error & { code?: string }) => e.code === c && (!re || re.test(e.message));

/** alice owns the vault; bob is active; carol has a pending request; mallory is a device with no entry. */
async function team() {
  const root = tempDir();
  const [alice, bob, carol, mallory] = ['alice', 'bob', 'carol', 'mallory'].map((n) => device(n)) as [
    ReturnType<typeof device>,
    ReturnType<typeof device>,
    ReturnType<typeof device>,
    ReturnType<typeof device>,
  ];
  const { project: aliceP } = await initProject(root, alice);
  const bobM = await requestAccess(Project.open(root, bob));
  await approveMember(aliceP, bobM.memberId);
  const carolM = await requestAccess(Project.open(root, carol));
  const malloryRecipient = (await loadOrCreateIdentity(mallory.home)).recipient;
  return { root, alice, aliceP, bobM, carolM, mallory, malloryRecipient };
}

function edit(project: Project, fn: (m: Member) => void, id: string): void {
  const access = parseAccessList(project.accessText()!);
  fn(access.members.find((m) => m.memberId === id)!);
  fs.writeFileSync(project.file('access.json'), serializeAccessList(access));
}

describe('membership record: approval binds what was shown', () => {
  it('a request edited between display and write is refused, and nothing is written', async () => {
    const t = await team();
    const shown = await reviewApproval(t.aliceP, t.carolM.memberId);
    assert.equal(shown.request.recipient, t.carolM.recipient);
    assert.deepEqual(shown.membership.changes, []);
    edit(t.aliceP, (m) => (m.name = 'carol (edited)'), t.carolM.memberId);
    const before = sha256Tree(path.join(t.root, '.kagi'));
    await assert.rejects(
      approveMember(t.aliceP, t.carolM.memberId, { expect: shown.digest }),
      code('membership-changed', /changed after it was shown/),
    );
    assert.deepEqual(sha256Tree(path.join(t.root, '.kagi')), before);
    const again = await reviewApproval(t.aliceP, t.carolM.memberId);
    const m = await approveMember(t.aliceP, t.carolM.memberId, { expect: again.digest });
    assert.equal(m.status, 'active');
  });

  it('a requested role is ignored unless the owner picks it', async () => {
    const t = await team();
    edit(t.aliceP, (m) => (m.role = 'owner'), t.carolM.memberId);
    assert.equal((await approveMember(t.aliceP, t.carolM.memberId)).role, 'member');
  });
});

describe('membership record: lookups that survive a changed project_id', () => {
  it('a vault moved to another folder with project_id and a recipient changed is found by the project key', async () => {
    const t = await team();
    const moved = tempDir();
    fs.cpSync(path.join(t.root, '.kagi'), path.join(moved, '.kagi'), { recursive: true });
    const cfgFile = path.join(moved, '.kagi', 'kagi.json');
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, project_id: 'kgp_Elsewhere0001' }));
    const p = Project.open(moved, t.alice);
    edit(p, (m) => (m.recipient = t.malloryRecipient), t.bobM.memberId);
    const review = await reviewRemoval(p, t.carolM.memberId);
    assert.equal(review.membership.firstUse, false, 'no record found: it looks like a fresh clone');
    assert.equal(review.membership.via, 'project key');
    assert.deepEqual(review.membership.changes.map((c) => c.id).sort(), [t.bobM.memberId, 'project-id'].sort());
    await assert.rejects(removeMember(p, t.carolM.memberId), code('membership-changed', /project_id changed/));
  });

  it('the record lives outside .kagi/ under folder, project id and key names; the Rust snapshot is not it', async () => {
    const t = await team();
    const files = fs.readdirSync(membershipDir(t.alice.home)).sort();
    assert.deepEqual(
      files.map((f) => f.replace(/-.*/, '')),
      ['key', 'project', 'root'],
    );
    const found = findRecords(t.alice.home, { projectId: t.aliceP.projectId(), root: t.root });
    assert.deepEqual(
      found[0]!.record.members.map((m) => m.memberId).sort(),
      parseAccessList(t.aliceP.accessText()!)
        .members.filter((m) => m.status === 'active')
        .map((m) => m.memberId)
        .sort(),
    );
  });
});

describe('membership record: the access.json conflict merge', () => {
  it('an active entry brought in by the other side is refused until confirmed', async () => {
    const t = await team();
    const ours = t.aliceP.accessText()!;
    const theirs = parseAccessList(ours);
    const bob = theirs.members.find((m) => m.memberId === t.bobM.memberId)!;
    theirs.members.push({ ...bob, memberId: 'kgm_FromBranch001', name: 'bob', recipient: t.malloryRecipient });
    fs.writeFileSync(
      t.aliceP.file('access.json'),
      `<<<<<<< HEAD\n${ours}\n=======\n${serializeAccessList(theirs)}\n>>>>>>> branch\n`,
    );
    const review = await reviewConflictMerge(t.aliceP);
    assert.deepEqual(
      review!.membership.changes.map((c) => c.id),
      ['kgm_FromBranch001'],
    );
    const before = sha256Tree(path.join(t.root, '.kagi'));
    await assert.rejects(resolveAccessConflict(t.aliceP), code('membership-changed', /kgm_FromBranch001/));
    assert.deepEqual(sha256Tree(path.join(t.root, '.kagi')), before);
    const merged = await resolveAccessConflict(t.aliceP, { accept: [review!.membership.changes[0]!.token] });
    assert.ok(merged.members.some((m) => m.memberId === 'kgm_FromBranch001'));
  });
});

describe('membership record: a rotation interrupted after its journal', () => {
  it('already records the removal, so the removed entry set active again is refused after the replay', async () => {
    const t = await team();
    const carol = await approveMember(t.aliceP, t.carolM.memberId);
    const oldEntry = parseAccessList(t.aliceP.accessText()!).members.find((m) => m.memberId === carol.memberId)!;
    // The process dies right after the journal is written, before any vault file changes.
    const crash = new Error('simulated crash');
    await assert.rejects(
      removeMember(t.aliceP, carol.memberId, (e) => {
        if (e.step === 'journal' && e.done === 1) throw crash;
      }),
      (e) => e === crash,
    );
    assert.equal(
      parseAccessList(t.aliceP.accessText()!).members.find((m) => m.memberId === carol.memberId)!.status,
      'active',
    );
    await t.aliceP.recover();
    assert.equal(
      parseAccessList(t.aliceP.accessText()!).members.find((m) => m.memberId === carol.memberId)!.status,
      'removed',
    );
    // A repository writer puts carol's old entry (and wrap) back.
    edit(t.aliceP, (m) => Object.assign(m, { status: 'active', wrappedKey: oldEntry.wrappedKey }), carol.memberId);
    await assert.rejects(
      removeMember(t.aliceP, t.bobM.memberId),
      code('membership-changed', new RegExp(`${carol.memberId} .*active member again after this device removed it`)),
    );
  });
});
