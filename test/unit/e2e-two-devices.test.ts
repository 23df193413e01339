import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { open, scopeAad } from '../../src/vault/crypto/seal';
import { decodeBase64Strict } from '../../src/vault/format/encoding';
import { parseEnvelope } from '../../src/vault/format/envelope';
import { unwrapProjectKey } from '../../src/vault/crypto/wrap';
import {
  assertNoStack,
  ensureCliBuilt,
  hashEnvProgram,
  hashOf,
  kagi,
  kagiOk,
  memberIdFromList,
  sha256,
} from './cli-harness';
import { device, tempDir } from './helpers';

/**
 * The acceptance test of the headless CLI: two devices share one vault, the
 * owner approves and later removes the second one, and removal rotates the key.
 */
describe('e2e: two devices through `node dist/cli.js`', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);

  const root = tempDir('kagi-e2e-');
  const a = { cwd: root, home: device('alice').home, user: 'alice' };
  const b = { cwd: root, home: device('bob').home, user: 'bob' };
  const values = {
    API_KEY: 'sk-dev-1234',
    DB_URL: 'postgres://prod:p@ss word@db/prod',
    ROOT_TOKEN: 'root-token-xyz',
    MULTI: '-----BEGIN KEY-----\nline two "quoted" $HOME\n  indented = #not a comment\n-----END KEY-----',
  };
  const allValues = Object.values(values);
  let bobId = '';
  let oldKey: Uint8Array | undefined;

  it('device A inits with three envs and sets values in several scopes, one multi-line via --stdin', () => {
    kagiOk(['init', '--envs', 'development,staging,production', '--name', 'alice'], a);
    kagiOk(['set', 'api', 'API_KEY', values.API_KEY], a);
    kagiOk(['set', 'api', 'production', 'DB_URL', values.DB_URL], a);
    kagiOk(['set', 'production', 'ROOT_TOKEN', values.ROOT_TOKEN], a);
    kagiOk(['set', 'web', 'staging', 'MULTI', '--stdin'], { ...a, input: values.MULTI + '\n' });
    const scopes = Object.keys(readConfig().services).sort();
    assert.deepEqual(scopes, [
      'api/development',
      'api/production',
      'api/staging',
      'production',
      'web/development',
      'web/production',
      'web/staging',
    ]);
  });

  it('device B requests access and cannot read while pending', () => {
    const out = kagiOk(['member', 'request', '--name', 'bob'], b).stdout;
    bobId = memberIdFromList(kagiOk(['member', 'list'], a).stdout, 'bob', 'pending');
    assert.ok(out.includes(bobId));
    const r = kagi(['get'], b);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^kagi: error: .*pending/m);
  });

  it('A approves B; B runs programs that see the exact values, multi-line included', () => {
    kagiOk(['member', 'approve', bobId], a);
    const prod = kagiOk(['run', 'api', 'production', ...hashEnvProgram(['DB_URL', 'API_KEY'])], b);
    assert.equal(prod.stdout, hashOf([values.DB_URL, null]));
    const dev = kagiOk(['run', 'api', ...hashEnvProgram(['API_KEY'])], b);
    assert.equal(dev.stdout, hashOf([values.API_KEY]));
    const multi = kagiOk(['run', 'web', 'staging', '--', ...hashEnvProgram(['MULTI'])], b);
    assert.equal(multi.stdout, hashOf([values.MULTI]));
  });

  it("B's `get --yes KEY` reveals the bare value", () => {
    assert.equal(sha256(kagiOk(['get', '--yes', 'web', 'staging', 'MULTI'], b).stdout), sha256(values.MULTI + '\n'));
    assert.equal(
      sha256(kagiOk(['get', '--yes', 'production', 'ROOT_TOKEN'], b).stdout),
      sha256(values.ROOT_TOKEN + '\n'),
    );
  });

  it('A removes B with --yes, which rotates the key; A sets a new value', async () => {
    oldKey = await unwrap(b.home, bobId);
    assert.equal(oldKey?.length, 32);
    const r = kagiOk(['member', 'remove', bobId, '--yes'], a);
    assert.match(r.stdout, /rotated/);
    kagiOk(['set', 'api', 'production', 'DB_URL', 'postgres://rotated'], a);
  });

  it('B can no longer read anything, with a clear error that holds no value', () => {
    for (const args of [
      ['get'],
      ['get', '--show', '--yes'],
      ['get', '--yes', 'api', 'production', 'DB_URL'],
      ['run', 'api', 'production', 'node', '-e', '0'],
    ]) {
      const r = kagi(args, b);
      assert.notEqual(r.code, 0, `kagi ${args.join(' ')} should fail for B`);
      assert.match(r.stderr, /^kagi: error: .*removed/m);
      assert.match(r.stderr, /^ {2}hint: /m);
      assertNoStack(r.stderr);
      for (const v of [...allValues, 'postgres://rotated'])
        assert.ok(!r.stderr.includes(v) && !r.stdout.includes(v), "a value leaked into B's output");
    }
  });

  it('every scope still opens for A', () => {
    const r = kagiOk(['get', '--show', '--yes'], a);
    for (const v of [values.API_KEY, values.ROOT_TOKEN, 'postgres://rotated', ...values.MULTI.split('\n')])
      assert.ok(r.stdout.includes(v));
    for (const scope of Object.keys(readConfig().services)) {
      const [first, second] = scope.split('/');
      kagiOk(['get', '--show', '--yes', first!, ...(second ? [second] : [])], a);
    }
  });

  it("the old key (from B's wrap, taken before the rotation) opens none of the new stores", async () => {
    const services = readConfig().services;
    assert.ok(Object.keys(services).length >= 7);
    for (const [scope, { file }] of Object.entries(services)) {
      const envelope = parseEnvelope(fs.readFileSync(path.join(root, '.kagi', file), 'utf8'), file);
      assert.throws(() => open(oldKey!, scopeAad(scope), envelope, file), /./, `${scope} still opens with the old key`);
    }
    const r = kagi(['get', '--show', '--yes'], {
      ...a,
      env: { KAGI_PROJECT_KEY: Buffer.from(oldKey!).toString('hex') },
    });
    assert.equal(r.code, 1);
    assertNoStack(r.stderr);
  });

  function readConfig(): { services: Record<string, { file: string }> } {
    return JSON.parse(fs.readFileSync(path.join(root, '.kagi', 'kagi.json'), 'utf8'));
  }

  async function unwrap(home: string, memberId: string): Promise<Uint8Array | undefined> {
    const access = JSON.parse(fs.readFileSync(path.join(root, '.kagi', 'access.json'), 'utf8')) as {
      members: { member_id: string; wrapped_key?: string }[];
    };
    const wrapped = access.members.find((m) => m.member_id === memberId)!.wrapped_key!;
    const identity = fs.readFileSync(path.join(home, 'identities', 'default.agekey'), 'utf8').trim();
    return unwrapProjectKey(decodeBase64Strict(wrapped)!, identity);
  }
});
