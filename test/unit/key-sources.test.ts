import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { initProject } from '../../src/vault/usecases/init';
import { Project } from '../../src/vault/project/project';
import { findMyMembership, parseKeyText, resolveProjectKey, type KeyContext } from '../../src/vault/device/projectKey';
import { loadIdentity, loadOrCreateIdentity, loadSecretKey } from '../../src/vault/device/identity';
import { unwrapProjectKey, wrapProjectKey } from '../../src/vault/crypto/wrap';
import { decodeBase64Strict, encodeBase64 } from '../../src/vault/format/encoding';
import { KagiError } from '../../src/vault/errors';
import { identityPath, keyCachePath } from '../../src/vault/device/dataDir';
import type { AccessList, Member } from '../../src/vault/format/access';
import { device, tempDir } from './helpers';

const HEX_A = 'aa'.repeat(32);
const HEX_B = 'bb'.repeat(32);
const hex = (k: Uint8Array) => Buffer.from(k).toString('hex');
const code = (c: string) => (e: Error & { code?: string }) => e.code === c;

/** An initialized project on alice's device, plus the key context the resolver sees. */
async function aliceProject(env: Record<string, string> = {}) {
  const alice = device('alice');
  const { project } = await initProject(tempDir(), alice);
  const ctx = (extra: Record<string, string | undefined>): KeyContext => ({
    env: { ...alice.env, ...env, ...extra },
    dataDir: project.dataDir,
    projectId: project.config().projectId,
    readAccess: () => project.access(),
  });
  const { key } = await resolveProjectKey(ctx({}));
  return { alice, project, ctx, key };
}

describe('project key text and precedence (docs/format.md §6.4)', () => {
  it('accepts 64 hex chars in either case with surrounding whitespace', () => {
    assert.equal(hex(parseKeyText(`  ${HEX_A.toUpperCase()}\n`, 'test')), HEX_A);
    assert.equal(hex(parseKeyText(`\t${'0123456789abcdef'.repeat(4)} `, 'test')), '0123456789abcdef'.repeat(4));
  });

  for (const [what, text] of [
    ['63 chars', HEX_A.slice(1)],
    ['65 chars', HEX_A + 'a'],
    ['non-hex', 'zz'.repeat(32)],
    ['empty', ''],
  ]) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => parseKeyText(text, 'KAGI_PROJECT_KEY'),
        (e: Error & { code?: string }) =>
          e.code === 'bad-key' &&
          /invalid project key in KAGI_PROJECT_KEY/.test(e.message) &&
          !e.message.includes(text || '\u0000'),
      );
    });
  }

  it('KAGI_PROJECT_KEY beats KAGI_PROJECT_KEY_FILE, which beats the identity, which beats the key cache', async () => {
    const { project, ctx, key } = await aliceProject();
    const keyFile = path.join(tempDir(), 'ci.key');
    fs.writeFileSync(keyFile, HEX_B + '\n');
    fs.writeFileSync(keyCachePath(project.dataDir, project.config().projectId), 'cc'.repeat(32));

    const both = await resolveProjectKey(ctx({ KAGI_PROJECT_KEY: HEX_A, KAGI_PROJECT_KEY_FILE: keyFile }));
    assert.deepEqual([both.source, hex(both.key)], ['KAGI_PROJECT_KEY', HEX_A]);
    const file = await resolveProjectKey(ctx({ KAGI_PROJECT_KEY_FILE: keyFile }));
    assert.deepEqual([file.source, hex(file.key)], ['KAGI_PROJECT_KEY_FILE', HEX_B]);
    const viaIdentity = await resolveProjectKey(ctx({}));
    assert.deepEqual([viaIdentity.source, hex(viaIdentity.key)], ['device identity', hex(key)]);
    assert.notEqual(hex(key), 'cc'.repeat(32));

    fs.rmSync(identityPath(project.dataDir));
    const cached = await resolveProjectKey(ctx({}));
    assert.deepEqual([cached.source, hex(cached.key)], ['key cache', 'cc'.repeat(32)]);
  });

  it('an invalid KAGI_PROJECT_KEY is a hard error even though the identity would work', async () => {
    const { ctx } = await aliceProject();
    await assert.rejects(resolveProjectKey(ctx({ KAGI_PROJECT_KEY: 'not-a-key' })), code('bad-key'));
    await assert.rejects(resolveProjectKey(ctx({ KAGI_PROJECT_KEY: '' })), code('bad-key'));
  });

  it('an unreadable or invalid KAGI_PROJECT_KEY_FILE is a hard error too', async () => {
    const { ctx } = await aliceProject();
    const bad = path.join(tempDir(), 'bad.key');
    fs.writeFileSync(bad, HEX_A.slice(2));
    await assert.rejects(resolveProjectKey(ctx({ KAGI_PROJECT_KEY_FILE: bad })), code('bad-key'));
    await assert.rejects(resolveProjectKey(ctx({ KAGI_PROJECT_KEY_FILE: bad + '.missing' })), code('bad-key'));
  });

  it('Project.key() uses the env key of its host', async () => {
    const root = tempDir();
    await initProject(root, device('alice'));
    const ci = Project.open(root, { env: { KAGI_HOME: tempDir(), KAGI_PROJECT_KEY: HEX_A } });
    assert.equal(hex((await ci.key()).key), HEX_A);
  });
});

describe('age wrap of the project key (docs/format.md §5.2)', () => {
  it('wraps as standard padded base64 of a binary age file and unwraps to the same 32 bytes', async () => {
    const id = await generateX25519Identity();
    const key = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const wrapped = await wrapProjectKey(key, await identityToRecipient(id));
    const bin = decodeBase64Strict(wrapped);
    assert.ok(bin, 'wrapped_key must be strict standard base64');
    assert.equal(Buffer.from(bin).subarray(0, 22).toString('latin1'), 'age-encryption.org/v1\n');
    assert.ok(!wrapped.startsWith('LS0tLS1CRUdJTi'), 'must not be ASCII armor');
    assert.deepEqual(await unwrapProjectKey(bin, id), key);
    assert.equal(await unwrapProjectKey(bin, await generateX25519Identity()), undefined);
  });

  it('refuses a recipient that is not age X25519, or whose Bech32 checksum is wrong', async () => {
    await assert.rejects(wrapProjectKey(new Uint8Array(32), 'ssh-ed25519 AAAA'), code('bad-access'));
    const recipient = await identityToRecipient(await generateX25519Identity());
    const edited = recipient.slice(0, -1) + (recipient.endsWith('q') ? 'p' : 'q');
    await assert.rejects(wrapProjectKey(new Uint8Array(32), edited), (e: Error & { code?: string }) => {
      return code('bad-access')(e) && /not an age X25519 recipient/.test(e.message);
    });
  });

  it('a wrap whose payload is not 32 bytes is skipped by the member search', async () => {
    const id = await generateX25519Identity();
    const recipient = await identityToRecipient(id);
    const e = new Encrypter();
    e.addRecipient(recipient);
    const short = encodeBase64(await e.encrypt(new Uint8Array(31).fill(7)));
    assert.equal(await unwrapProjectKey(decodeBase64Strict(short)!, id), undefined);
    const real = new Uint8Array(32).fill(9);
    const access = list([
      member('kgm_a', 'active', recipient, short),
      member('kgm_b', 'active', recipient, await wrapProjectKey(real, recipient)),
    ]);
    const found = await findMyMembership(access, { secretKey: id });
    assert.equal(found?.member.memberId, 'kgm_b');
    assert.deepEqual(found?.key, real);
  });
});

describe('identity file (docs/format.md §6.2)', () => {
  it('is written bare, without a newline, 0600', async () => {
    const data = tempDir();
    const id = await loadOrCreateIdentity(data);
    const text = fs.readFileSync(identityPath(data), 'utf8');
    assert.match(text, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    assert.equal(text, id.secretKey);
    assert.equal(fs.statSync(identityPath(data)).mode & 0o777, 0o600);
    assert.equal(id.recipient, await identityToRecipient(text));
    assert.equal((await loadOrCreateIdentity(data)).secretKey, id.secretKey, 'a second call must reuse it');
  });

  it('accepts a trailing newline', async () => {
    const data = tempDir();
    const secret = await generateX25519Identity();
    fs.mkdirSync(path.dirname(identityPath(data)), { recursive: true });
    fs.writeFileSync(identityPath(data), secret + '\n');
    assert.equal((await loadIdentity(data))?.secretKey, secret);
  });

  it('rejects an identity whose checksum does not match, with what to do and never the key', async () => {
    const data = tempDir();
    const secret = await generateX25519Identity();
    // One character of the data part changed for another of the Bech32 alphabet: the shape holds.
    const i = 'AGE-SECRET-KEY-1'.length + 10;
    const changed = secret.slice(0, i) + (secret[i] === 'Q' ? 'P' : 'Q') + secret.slice(i + 1);
    fs.mkdirSync(path.dirname(identityPath(data)), { recursive: true });
    fs.writeFileSync(identityPath(data), changed + '\n');
    for (const load of [() => loadIdentity(data), async () => loadSecretKey(data)]) {
      await assert.rejects(
        load(),
        (e: Error & { code?: string; hint?: string }) =>
          e instanceof KagiError &&
          e.code === 'no-identity' &&
          /checksum/.test(e.message) &&
          /member request/.test(e.hint ?? '') &&
          !e.message.includes(changed.slice(20)) &&
          !e.message.includes(secret.slice(20)),
      );
    }
  });

  it('rejects age-keygen comment lines', async () => {
    const data = tempDir();
    const secret = await generateX25519Identity();
    fs.mkdirSync(path.dirname(identityPath(data)), { recursive: true });
    fs.writeFileSync(
      identityPath(data),
      `# created: 2026-01-01T00:00:00Z\n# public key: ${await identityToRecipient(secret)}\n${secret}\n`,
    );
    await assert.rejects(
      loadIdentity(data),
      (e: Error & { code?: string }) => e.code === 'no-identity' && !e.message.includes(secret),
    );
  });
});

function member(
  memberId: string,
  status: Member['status'],
  recipient: string,
  wrappedKey?: string,
  role: Member['role'] = 'owner',
): Member {
  const m: Member = { memberId, name: memberId, recipient, role, status, extra: {} };
  if (wrappedKey !== undefined) m.wrappedKey = wrappedKey;
  return m;
}
const list = (members: Member[]): AccessList => ({ version: '2', members, extra: {} });

describe('member search order (docs/format.md §6.5)', () => {
  let me: { secretKey: string; recipient: string; file: string };
  let other: string;
  const key = new Uint8Array(32).fill(1);
  before(async () => {
    const secretKey = await generateX25519Identity();
    me = { secretKey, recipient: await identityToRecipient(secretKey), file: 'id' };
    other = await identityToRecipient(await generateX25519Identity());
  });

  it('[pending(me), active(other), active(me)] finds the key in my active entry', async () => {
    const found = await findMyMembership(
      list([
        member('kgm_1', 'pending', me.recipient),
        member('kgm_2', 'active', other, await wrapProjectKey(new Uint8Array(32).fill(2), other)),
        member('kgm_3', 'active', me.recipient, await wrapProjectKey(key, me.recipient)),
      ]),
      me,
    );
    assert.equal(found?.member.memberId, 'kgm_3');
    assert.deepEqual(found?.key, key);
  });

  it('ignores a removed member with a stale wrapped_key', async () => {
    const found = await findMyMembership(
      list([
        member('kgm_1', 'removed', me.recipient, await wrapProjectKey(new Uint8Array(32).fill(5), me.recipient)),
        member('kgm_2', 'active', me.recipient, await wrapProjectKey(key, me.recipient)),
      ]),
      me,
    );
    assert.equal(found?.member.memberId, 'kgm_2');
    assert.deepEqual(found?.key, key);
    const none = await findMyMembership(
      list([member('kgm_1', 'removed', me.recipient, await wrapProjectKey(key, me.recipient))]),
      me,
    );
    assert.equal(none, undefined);
  });

  it('invalid base64 in an active member before mine aborts the walk', async () => {
    await assert.rejects(
      findMyMembership(
        list([
          member('kgm_1', 'active', other, 'not base64!'),
          member('kgm_2', 'active', me.recipient, await wrapProjectKey(key, me.recipient)),
        ]),
        me,
      ),
      (e: Error & { code?: string }) => e.code === 'bad-access' && /kgm_1/.test(e.message),
    );
  });
});
