import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, hasScript, kagi, kagiOk, kagiTty, type CliResult } from './cli-harness';
import { device, tempDir } from './helpers';

/**
 * Issue 12: a repository writer who is not a member edits .kagi/ so that the
 * owner's next routine `member remove` (a key rotation) wraps the new key for
 * them. Three devices as real child processes, each with its own KAGI_HOME:
 * alice (owner), bob and carol (members), mallory (the attacker, never approved,
 * or removed). Each attack must end with the rotation refused, naming the entry,
 * and mallory unable to read a value written after it.
 */
describe('membership attacks by a repository writer (CLI, three devices)', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);

  type Dev = { cwd: string; home: string; user: string };
  interface AccessMember {
    member_id: string;
    name: string;
    recipient: string;
    role: string;
    status: string;
    wrapped_key?: string;
    [k: string]: unknown;
  }

  /** alice's vault with one secret, bob and carol approved; mallory has an identity (a request elsewhere). */
  function team() {
    const root = tempDir('kagi-attack-');
    const dev = (name: string): Dev => ({ cwd: root, home: device(name).home, user: name });
    const [alice, bob, carol, mallory] = ['alice', 'bob', 'carol', 'mallory'].map(dev) as [Dev, Dev, Dev, Dev];
    kagiOk(['init', '--name', 'alice'], alice);
    kagiOk(['set', 'development', 'API_KEY', 'before-rotation'], alice);
    const idOf = (out: string) => /kgm_[A-Za-z0-9_-]{12}/.exec(out)![0];
    const bobId = idOf(kagiOk(['member', 'request', '--name', 'bob'], bob).stdout);
    const carolId = idOf(kagiOk(['member', 'request', '--name', 'carol'], carol).stdout);
    kagiOk(['member', 'approve', bobId], alice);
    kagiOk(['member', 'approve', carolId], alice);
    // mallory's device key, made by a request in a scratch vault of her own.
    const scratch = tempDir('kagi-mallory-');
    kagiOk(['init', '--name', 'scratch'], { ...mallory, cwd: scratch });
    const malloryRecipient = readAccess(scratch).members[0]!.recipient;
    return { root, alice, bob, carol, mallory, bobId, carolId, malloryRecipient, idOf };
  }

  const accessFile = (root: string) => path.join(root, '.kagi', 'access.json');
  function readAccess(root: string): { version: string; members: AccessMember[] } {
    return JSON.parse(fs.readFileSync(accessFile(root), 'utf8')) as { version: string; members: AccessMember[] };
  }
  function editAccess(root: string, edit: (members: AccessMember[]) => AccessMember[]): void {
    const a = readAccess(root);
    fs.writeFileSync(accessFile(root), JSON.stringify({ ...a, members: edit(a.members) }, null, 2));
  }

  /** After the owner's routine removal of carol: alice writes a new value; mallory must not read it. */
  function assertMalloryLockedOut(t: ReturnType<typeof team>, rotation: CliResult, entry: RegExp) {
    assert.equal(rotation.code, 1, `the rotation went ahead:\n${rotation.stdout}${rotation.stderr}`);
    assert.match(rotation.stderr, /kagi: error: the members of this project differ/);
    assert.match(rotation.stderr, entry);
    assert.ok(
      rotation.stderr.includes(t.malloryRecipient),
      'the refusal does not show the recipient it would wrap for',
    );
    assert.match(rotation.stderr, /hint: .*--accept-change/);
    kagiOk(['set', 'development', 'API_KEY', 'after-rotation'], t.alice);
    const asMallory = kagi(['get', '--yes', 'development', 'API_KEY'], t.mallory);
    assert.notEqual(asMallory.code, 0, 'mallory can read');
    assert.ok(!asMallory.stdout.includes('after-rotation'));
    assert.equal(kagiOk(['get', '--yes', 'development', 'API_KEY'], t.alice).stdout, 'after-rotation\n');
  }

  const removeCarol = (t: ReturnType<typeof team>, ...extra: string[]) =>
    kagi(['member', 'remove', t.carolId, '--yes', ...extra], t.alice);

  it("(a) a removed member's entry set back to active with its old wrap is refused", () => {
    const t = team();
    const scratchId = t.idOf(kagiOk(['member', 'request', '--name', 'mallory'], t.mallory).stdout);
    kagiOk(['member', 'approve', scratchId], t.alice);
    const wasActive = readAccess(t.root).members.find((m) => m.member_id === scratchId)!;
    kagiOk(['member', 'remove', scratchId, '--yes'], t.alice);
    editAccess(t.root, (ms) => ms.map((m) => (m.member_id === scratchId ? wasActive : m)));
    const doctor = kagi(['doctor'], t.alice);
    assert.equal(doctor.code, 1, doctor.stdout);
    assert.match(
      doctor.stdout,
      new RegExp(`warn +members +1 active entry that no approval on this device accounts for: ${scratchId}`),
    );
    assertMalloryLockedOut(
      t,
      removeCarol(t),
      new RegExp(`${scratchId} \\("mallory"\\): active member again after this device removed it`),
    );
  });

  it("(b) a new active entry, even under an existing member's name, is refused", () => {
    const t = team();
    const forged: AccessMember = {
      member_id: 'kgm_ForgedBob0001',
      name: 'bob',
      recipient: t.malloryRecipient,
      role: 'member',
      status: 'active',
      wrapped_key: readAccess(t.root).members.find((m) => m.member_id === t.bobId)!.wrapped_key!,
    };
    editAccess(t.root, (ms) => [...ms, forged]);
    assertMalloryLockedOut(
      t,
      removeCarol(t),
      /kgm_ForgedBob0001 \("bob"\): new active member entry that this device never approved/,
    );
  });

  it('(c) a member_id changed together with its recipient is refused', () => {
    const t = team();
    editAccess(t.root, (ms) =>
      ms.map((m) =>
        m.member_id === t.bobId ? { ...m, member_id: 'kgm_RenamedBob001', recipient: t.malloryRecipient } : m,
      ),
    );
    assertMalloryLockedOut(t, removeCarol(t), /kgm_RenamedBob001 \("bob"\): new active member entry/);
  });

  it("(d) kagi.json's project_id changed together with a recipient is refused", () => {
    const t = team();
    const cfgFile = path.join(t.root, '.kagi', 'kagi.json');
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as { project_id: string };
    const oldId = cfg.project_id;
    fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, project_id: 'kgp_Substituted01' }, null, 2));
    editAccess(t.root, (ms) => ms.map((m) => (m.member_id === t.bobId ? { ...m, recipient: t.malloryRecipient } : m)));
    const r = removeCarol(t);
    assert.match(r.stderr, new RegExp(`project_id changed from ${oldId} to kgp_Substituted01`));
    assertMalloryLockedOut(t, r, new RegExp(`${t.bobId} \\("bob"\\): recipient changed`));
  });

  it('a pending request edited to "role": "owner" is approved as a member; that member cannot remove the owner', () => {
    const t = team();
    const id = t.idOf(kagiOk(['member', 'request', '--name', 'mallory'], t.mallory).stdout);
    editAccess(t.root, (ms) => ms.map((m) => (m.member_id === id ? { ...m, role: 'owner' } : m)));
    const approved = kagiOk(['member', 'approve', id], t.alice).stdout;
    assert.match(approved, /role +member \(the request asks for owner; pass --role owner to grant that\)/);
    assert.ok(approved.includes(t.malloryRecipient), 'approve does not show the full recipient');
    assert.match(approved, /fingerprint +[0-9a-f]{4}(-[0-9a-f]{4}){3}/);
    assert.equal(readAccess(t.root).members.find((m) => m.member_id === id)!.role, 'member');
    const aliceId = readAccess(t.root).members.find((m) => m.name === 'alice')!.member_id;
    const coup = kagi(['member', 'remove', aliceId, '--yes'], t.mallory);
    assert.equal(coup.code, 1);
    assert.match(coup.stderr, /only an owner can manage project members/);
    assert.equal(readAccess(t.root).members.find((m) => m.member_id === aliceId)!.status, 'active');
    // Granting owner takes the owner's explicit choice.
    const other = t.idOf(kagiOk(['member', 'request', '--name', 'bob2'], t.bob).stdout);
    kagiOk(['member', 'approve', other, '--role', 'owner'], t.alice);
    assert.equal(readAccess(t.root).members.find((m) => m.member_id === other)!.role, 'owner');
  });

  it('approve --fingerprint refuses a request whose recipient is not the one the requester sent', () => {
    const t = team();
    const dave = { ...t.mallory, home: device('dave').home, user: 'dave' };
    const id = t.idOf(kagiOk(['member', 'request', '--name', 'dave'], dave).stdout);
    const r = kagi(['member', 'approve', id, '--fingerprint', '0000-0000-0000-0000'], t.alice);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /fingerprint of request .* is [0-9a-f-]{19}, not 0000-0000-0000-0000; nothing was approved/);
    assert.equal(readAccess(t.root).members.find((m) => m.member_id === id)!.status, 'pending');
  });

  it("another owner's legitimate approval is confirmed with --accept-change, and that member keeps access", () => {
    const t = team();
    kagiOk(['member', 'promote', t.bobId], t.alice);
    const dave = { ...t.mallory, home: device('dave').home, user: 'dave' };
    const daveId = t.idOf(kagiOk(['member', 'request', '--name', 'dave'], dave).stdout);
    // bob's device has no record yet: its first approval trusts the active entries on first use.
    const first = kagi(['member', 'approve', daveId], t.bob);
    assert.equal(first.code, 1);
    assert.match(first.stderr, /no record of who is in this project.*trust on first use/s);
    kagiOk(['member', 'approve', daveId, '--trust-first-use'], t.bob);
    const refused = removeCarol(t);
    assert.match(refused.stderr, new RegExp(`${daveId} \\("dave"\\): new active member entry`));
    const token = new RegExp(`--accept-change (${daveId}@[0-9a-f-]{19})`).exec(refused.stderr)?.[1];
    assert.ok(token, refused.stderr);
    kagiOk(['member', 'remove', t.carolId, '--yes', '--accept-change', token], t.alice);
    kagiOk(['set', 'development', 'API_KEY', 'after-rotation'], t.alice);
    assert.equal(kagiOk(['get', '--yes', 'development', 'API_KEY'], dave).stdout, 'after-rotation\n');
    assert.notEqual(kagi(['get', '--yes', 'development', 'API_KEY'], t.carol).code, 0);
    // Confirmed once, it is recorded: the next rotation asks nothing.
    kagiOk(['member', 'remove', t.bobId, '--yes'], t.alice);
  });

  it('a fresh clone on a terminal shows every active recipient and asks once (trust on first use)', function () {
    if (!hasScript()) this.skip();
    const t = team();
    const clone = tempDir('kagi-clone-');
    fs.cpSync(path.join(t.root, '.kagi'), path.join(clone, '.kagi'), { recursive: true });
    fs.rmSync(path.join(t.alice.home, 'membership'), { recursive: true });
    const at = { ...t.alice, cwd: clone };
    const no = kagiTty(['member', 'remove', t.carolId], { ...at, input: 'n\n' });
    assert.notEqual(no.code, 0);
    assert.match(no.stdout, /Trust on first use/);
    assert.ok(no.stdout.includes(readAccess(clone).members.find((m) => m.member_id === t.bobId)!.recipient));
    assert.equal(readAccess(clone).members.find((m) => m.member_id === t.carolId)!.status, 'active');
    // --yes confirms the removal itself, never a membership difference: the terminal still asks that.
    // (One answer per run: each prompt reads the terminal afresh, so pre-typed lines would be lost.)
    const yes = kagiTty(['member', 'remove', t.carolId, '--yes'], { ...at, input: 'y\n' });
    assert.match(yes.stdout, /Trust all of them\?/);
    assert.equal(yes.code, 0, yes.stdout);
    assert.equal(readAccess(clone).members.find((m) => m.member_id === t.carolId)!.status, 'removed');
  });
});
