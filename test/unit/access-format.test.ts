import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { parseAccessList, serializeAccessList } from '../../src/vault/format/access';
import { wrapProjectKey, unwrapProjectKey } from '../../src/vault/crypto/wrap';
import { findMyMembership } from '../../src/vault/device/projectKey';
import { decodeBase64Strict } from '../../src/vault/format/encoding';
import { initProject } from '../../src/vault/usecases/init';
import { Project } from '../../src/vault/project/project';
import { loadOrCreateIdentity } from '../../src/vault/device/identity';
import { newMemberId, newProjectId } from '../../src/vault/crypto/ids';
import { device, tempDir } from './helpers';

const rejectsWith = (re: RegExp) => (e: Error & { code?: string }) => e.code === 'bad-access' && re.test(e.message);

describe('wrapped_key shape (docs/format.md §5.2, fixture-like)', () => {
  it('is a binary age v1 file: header, one X25519 stanza, MAC line, 64-byte payload of 32 plaintext bytes', async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const bin = Buffer.from(decodeBase64Strict(await wrapProjectKey(new Uint8Array(32).fill(3), recipient))!);
    assert.equal(bin.subarray(0, 22).toString('latin1'), 'age-encryption.org/v1\n');
    const macAt = bin.indexOf('\n--- ');
    assert.ok(macAt > 0, 'header ends with a --- MAC line');
    const header = bin.subarray(0, macAt).toString('latin1');
    assert.equal(header.split('\n').filter((l) => l.startsWith('-> X25519 ')).length, 1);
    const payload = bin.subarray(bin.indexOf('\n', macAt + 1) + 1);
    // 16-byte stream nonce + 32 key bytes + 16-byte Poly1305 tag
    assert.equal(payload.length, 64);
  });

  it('a foreign identity gets "no match", not a parse error', async () => {
    const owner = await generateX25519Identity();
    const wrapped = await wrapProjectKey(new Uint8Array(32).fill(4), await identityToRecipient(owner));
    const foreign = await generateX25519Identity();
    assert.equal(await unwrapProjectKey(decodeBase64Strict(wrapped)!, foreign), undefined);
    const access = parseAccessList(
      JSON.stringify({
        version: '2',
        members: [
          {
            member_id: 'kgm_aaaaaaaaaaaa',
            name: 'a',
            recipient: await identityToRecipient(owner),
            role: 'owner',
            status: 'active',
            wrapped_key: wrapped,
          },
        ],
      }),
    );
    assert.equal(await findMyMembership(access, { secretKey: foreign }), undefined);
  });

  it('a project opened by a foreign device fails as not-a-member, not as bad access', async () => {
    const root = tempDir();
    await initProject(root, device('alice'));
    const bob = device('bob');
    await loadOrCreateIdentity(bob.home);
    await assert.rejects(Project.open(root, bob).key(), (e: Error & { code?: string }) => e.code === 'not-a-member');
  });
});

function doc(members: Record<string, unknown>[]): string {
  return JSON.stringify({ version: '2', members }, null, '\t');
}
const owner = {
  member_id: 'kgm_owner0000000',
  name: 'o',
  recipient: 'age1x',
  role: 'owner',
  status: 'active',
  wrapped_key: 'AAAA',
};

describe('access.json validation (docs/format.md §2.3)', () => {
  it('accepts an empty member list and reads a missing file as empty', async () => {
    assert.deepEqual(parseAccessList('{"version":"2","members":[]}').members, []);
    const root = tempDir();
    const { project } = await initProject(root, device('alice'));
    fs.rmSync(project.file('access.json'));
    assert.deepEqual(project.access(), { version: '2', members: [], extra: {} });
  });

  it('accepts tabs (the fixture style) and keeps unknown fields through a round trip', () => {
    const text = JSON.stringify(
      {
        version: '3',
        members: [{ ...owner, wrapped_token: 'T', signing_public_key: 'S', token_id: 7 }],
        server: { x: 1 },
      },
      null,
      '\t',
    );
    const list = parseAccessList(text);
    assert.equal(list.version, '3');
    const out = JSON.parse(serializeAccessList(list));
    assert.deepEqual(out.members[0], { ...owner, wrapped_token: 'T', signing_public_key: 'S', token_id: 7 });
    assert.deepEqual(out.server, { x: 1 });
    assert.ok(!serializeAccessList(list).endsWith('\n'));
  });

  it('rejects an active member without wrapped_key', () => {
    assert.throws(
      () => parseAccessList(doc([owner, { ...owner, member_id: 'kgm_b', wrapped_key: undefined }])),
      rejectsWith(/active but has no wrapped_key/),
    );
  });

  it('rejects a pending member with a wrapped_key', () => {
    assert.throws(
      () => parseAccessList(doc([owner, { ...owner, member_id: 'kgm_b', status: 'pending', role: 'member' }])),
      rejectsWith(/pending but has a wrapped_key/),
    );
  });

  it('rejects an unknown role, an unknown status and a missing role (the stale fixture)', () => {
    assert.throws(
      () => parseAccessList(doc([owner, { ...owner, member_id: 'kgm_b', role: 'admin' }])),
      rejectsWith(/unknown role "admin"/),
    );
    assert.throws(
      () => parseAccessList(doc([owner, { ...owner, member_id: 'kgm_b', status: 'banned' }])),
      rejectsWith(/unknown status "banned"/),
    );
    const { role: _role, ...noRole } = owner;
    assert.throws(() => parseAccessList(doc([noRole])), rejectsWith(/missing "role"/));
  });

  it('rejects a list with no active owner', () => {
    assert.throws(() => parseAccessList(doc([{ ...owner, role: 'member' }])), rejectsWith(/no active owner/));
    assert.throws(
      () => parseAccessList(doc([{ ...owner, status: 'removed', wrapped_key: undefined }])),
      rejectsWith(/no active owner/),
    );
  });

  it('rejects a numeric version and non-list members', () => {
    assert.throws(() => parseAccessList('{"version":2,"members":[]}'), rejectsWith(/version must be a string/));
    assert.throws(() => parseAccessList('{"version":"2","members":{}}'), rejectsWith(/members must be a list/));
  });
});

describe('ids (docs/format.md §5.3)', () => {
  it('project and member ids match the Rust nanoid shapes', () => {
    for (let i = 0; i < 200; i++) {
      assert.match(newProjectId(), /^kgp_[A-Za-z0-9_-]{12}$/);
      assert.match(newMemberId(), /^kgm_[A-Za-z0-9_-]{12}$/);
    }
    assert.equal(new Set(Array.from({ length: 200 }, newMemberId)).size, 200);
  });
});
