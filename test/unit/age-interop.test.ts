import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { initProject } from '../../src/vault/usecases/init';
import { Project } from '../../src/vault/project/project';
import { readScopes, setSecrets } from '../../src/vault/usecases/secrets';
import { wrapProjectKey } from '../../src/vault/crypto/wrap';
import { encodeBase64 } from '../../src/vault/format/encoding';
import { identityPath } from '../../src/vault/device/dataDir';
import { device, tempDir } from './helpers';
import { AGE_KEYGEN, GO_AGE, LIBSODIUM, PYTHON, requirePeers } from './peers';

/**
 * Interop with independent implementations: Go `age` (Debian package `age`)
 * and libsodium through PyNaCl (Debian `python3-nacl`, hence /usr/bin/python3).
 */

function run(cmd: string, args: string[], input?: string | Uint8Array): Buffer {
  return execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The one place a project key leaves memory in these tests: a temp file for Go age. */
function goDecrypt(wrappedB64: string, identityFile: string): Buffer {
  const bin = path.join(tempDir('kagi-age-'), 'wrapped.age');
  fs.writeFileSync(bin, Buffer.from(wrappedB64, 'base64'));
  return run('age', ['-d', '-i', identityFile, bin]);
}

describe('interop: Go age (docs/format.md §5.2 cross-check)', () => {
  before(function () {
    requirePeers(this, [GO_AGE, AGE_KEYGEN]);
  });

  it('a project key wrapped by us decrypts with `age -d -i <identity>` to the same 32 bytes', async () => {
    const alice = device('alice');
    const { project, owner } = await initProject(tempDir(), alice);
    const key = (await project.key()).key;
    const plain = goDecrypt(owner.wrappedKey!, identityPath(alice.home));
    assert.equal(plain.length, 32);
    assert.deepEqual(new Uint8Array(plain), key);
    const again = await wrapProjectKey(key, owner.recipient);
    assert.deepEqual(new Uint8Array(goDecrypt(again, identityPath(alice.home))), key);
  });

  it('a key encrypted by `age -r <our recipient>` (binary) is opened by our member search', async () => {
    const root = tempDir();
    const alice = device('alice');
    const { project, owner } = await initProject(root, alice);
    await setSecrets(project, 'development', [{ key: 'GREETING', value: 'from go age' }]);
    const key = (await project.key()).key;
    const goWrapped = run('age', ['-r', owner.recipient], Buffer.from(key));
    assert.equal(goWrapped.subarray(0, 22).toString('latin1'), 'age-encryption.org/v1\n', 'binary, not armored');
    const access = project.access();
    access.members[0]!.wrappedKey = encodeBase64(goWrapped);
    project.writeAccess(access);

    const fresh = Project.open(root, alice);
    const resolved = await fresh.key();
    assert.deepEqual([resolved.source, resolved.member?.memberId], ['device identity', owner.memberId]);
    assert.deepEqual(resolved.key, key);
    assert.equal((await readScopes(fresh)).get('development')!.secrets.get('GREETING')!.value, 'from go age');
  });

  it('an age-keygen identity, stripped to the bare key, works as the device identity', async () => {
    const dir = tempDir('kagi-keygen-');
    const keygenFile = path.join(dir, 'key.txt');
    run('age-keygen', ['-o', keygenFile]);
    const withComments = fs.readFileSync(keygenFile, 'utf8');
    assert.match(withComments, /^# /m, 'age-keygen writes comment lines');
    const bare = withComments
      .split('\n')
      .filter((l) => l.startsWith('AGE-SECRET-KEY-1'))
      .join('');
    const goRecipient = run('age-keygen', ['-y', keygenFile]).toString().trim();

    const alice = device('alice');
    fs.mkdirSync(path.dirname(identityPath(alice.home)), { recursive: true });
    fs.writeFileSync(identityPath(alice.home), bare, { mode: 0o600 });
    const root = tempDir();
    const { owner } = await initProject(root, alice);
    assert.equal(owner.recipient, goRecipient);
    const key = (await Project.open(root, alice).key()).key;
    assert.deepEqual(new Uint8Array(goDecrypt(owner.wrappedKey!, keygenFile)), key);
  });
});

// The Python side follows the text of docs/format.md §3 only: AAD, field names, base64, split.
const PY_DECRYPT = `
import sys, json, base64
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt as dec
req = json.load(sys.stdin)
env = json.loads(open(req["file"]).read())
assert env["algorithm"] == "XCHACHA20-POLY1305"
aad = ("kagi:v1:XCHACHA20-POLY1305:" + req["scope"]).encode()
ct = base64.b64decode(env["ciphertext"], validate=True) + base64.b64decode(env["tag"], validate=True)
sys.stdout.write(dec(ct, aad, base64.b64decode(env["nonce"], validate=True), bytes.fromhex(req["key"])).decode())
`;
const PY_ENCRYPT = `
import sys, json, base64, os
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt as enc
req = json.load(sys.stdin)
aad = ("kagi:v1:XCHACHA20-POLY1305:" + req["scope"]).encode()
nonce = os.urandom(24)
sealed = enc(req["plaintext"].encode(), aad, nonce, bytes.fromhex(req["key"]))
b = lambda x: base64.b64encode(x).decode()
out = {"version": 1, "algorithm": "XCHACHA20-POLY1305", "nonce": b(nonce), "ciphertext": b(sealed[:-16]), "aad": b(aad), "tag": b(sealed[-16:])}
os.makedirs(os.path.dirname(req["file"]), exist_ok=True)
open(req["file"], "w").write(json.dumps(out, indent=2))
`;

function python(script: string, req: Record<string, string>): string {
  return run(PYTHON, ['-c', script], JSON.stringify(req)).toString('utf8');
}

describe('interop: libsodium (PyNaCl) XChaCha20-Poly1305 stores', () => {
  before(function () {
    requirePeers(this, [LIBSODIUM]);
  });

  it('a .enc written by us decrypts in libsodium with AAD kagi:v1:XCHACHA20-POLY1305:<scope>', async () => {
    const root = tempDir();
    const alice = device('alice');
    const { project } = await initProject(root, alice);
    await setSecrets(project, 'api/development', [{ key: 'MESSAGE', value: 'from kagi', description: 'hi' }]);
    const key = Buffer.from((await project.key()).key).toString('hex');
    const plain = python(PY_DECRYPT, {
      file: project.file('secrets/api/development.enc'),
      scope: 'api/development',
      key,
    });
    assert.equal(
      plain,
      '{"name":"api/development","secrets":{"MESSAGE":{"key":"MESSAGE","value":"from kagi","description":"hi"}}}',
    );
    assert.throws(
      () => python(PY_DECRYPT, { file: project.file('secrets/api/development.enc'), scope: 'api/production', key }),
      'libsodium must refuse the wrong scope AAD too',
    );
  });

  it('a .enc written by libsodium per docs/format.md §3 opens with Project.readScope', async () => {
    const root = tempDir();
    const alice = device('alice');
    const { project } = await initProject(root, alice);
    const key = (await project.key()).key;
    const scope = 'web/production';
    python(PY_ENCRYPT, {
      file: project.file(`secrets/${scope}.enc`),
      scope,
      key: Buffer.from(key).toString('hex'),
      plaintext: JSON.stringify({ name: scope, secrets: { API: { key: 'API', value: 'py-secret' } } }),
    });
    await project.mutate(async (tx) => {
      tx.editConfig().services[scope] = { file: `secrets/${scope}.enc`, extra: {} };
    });
    const store = Project.open(root, alice).readScope(project.config(), scope, key);
    assert.equal(store.secrets.get('API')!.value, 'py-secret');
    assert.throws(
      () => project.readScope(project.config(), scope, new Uint8Array(32)),
      (e: Error & { code?: string }) => e.code === 'auth-failed',
    );
  });
});
