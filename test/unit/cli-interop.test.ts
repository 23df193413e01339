import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, kagiOk, sha256 } from './cli-harness';
import { device, tempDir } from './helpers';
import { AGE_KEYGEN, GO_AGE, LIBSODIUM, PYTHON, requirePeers } from './peers';

function run(cmd: string, args: string[], input?: string | Buffer): Buffer {
  const r = spawnSync(cmd, args, { input });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Decrypts every store of a .kagi/ folder with libsodium, independently of our code. */
const PY_DECRYPT = `
import sys, json, base64
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt as dec
kagi, key = sys.argv[1], bytes.fromhex(sys.argv[2])
cfg = json.load(open(kagi + '/kagi.json'))
out = {}
for scope, entry in cfg['services'].items():
    env = json.load(open(kagi + '/' + entry['file']))
    assert env['algorithm'] == 'XCHACHA20-POLY1305'
    nonce, ct, tag = (base64.b64decode(env[f]) for f in ('nonce', 'ciphertext', 'tag'))
    aad = ('kagi:v1:XCHACHA20-POLY1305:' + scope).encode()
    out[scope] = json.loads(dec(ct + tag, aad, nonce, key))
print(json.dumps(out))
`;

/** Writes stores the way docs/format.md §3 says, with libsodium: the reverse direction. */
const PY_ENCRYPT = `
import sys, json, base64, os
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt as enc
kagi, key, stores = sys.argv[1], bytes.fromhex(sys.argv[2]), json.loads(sys.stdin.read())
b64 = lambda b: base64.b64encode(b).decode()
for scope, secrets in stores.items():
    aad = ('kagi:v1:XCHACHA20-POLY1305:' + scope).encode()
    nonce = os.urandom(24)
    plain = json.dumps({'name': scope, 'secrets': {k: {'key': k, 'value': v} for k, v in secrets.items()}}, separators=(',', ':'))
    sealed = enc(plain.encode(), aad, nonce, key)
    path = kagi + '/secrets/' + scope + '.enc'
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({'version': 1, 'algorithm': 'XCHACHA20-POLY1305', 'nonce': b64(nonce), 'ciphertext': b64(sealed[:-16]), 'aad': b64(aad), 'tag': b64(sealed[-16:])}, f, indent=2)
`;

describe('cli interop: Go age and libsodium (python3-nacl)', function () {
  this.timeout(60_000);
  before(function () {
    requirePeers(this, [GO_AGE, AGE_KEYGEN, LIBSODIUM]);
    ensureCliBuilt();
  });

  const values = { API: 'k-123', MULTI: 'one\ntwo "three"\n  four' };

  it('a project written by the CLI opens with `age -d` and libsodium', () => {
    const root = tempDir('kagi-interop-');
    const home = device('alice').home;
    const opts = { cwd: root, home };
    kagiOk(['init', '--envs', 'development,production'], opts);
    kagiOk(['set', 'api', 'API', values.API], opts);
    kagiOk(['set', 'production', 'MULTI', '--stdin'], { ...opts, input: values.MULTI });

    const access = JSON.parse(fs.readFileSync(path.join(root, '.kagi', 'access.json'), 'utf8'));
    const wrapped = path.join(root, 'wrapped.age');
    fs.writeFileSync(wrapped, Buffer.from(access.members[0].wrapped_key, 'base64'));
    const key = run('age', ['-d', '-i', path.join(home, 'identities', 'default.agekey'), wrapped]);
    assert.equal(key.length, 32);

    const stores = JSON.parse(
      run(PYTHON, ['-c', PY_DECRYPT, path.join(root, '.kagi'), key.toString('hex')]).toString(),
    );
    assert.deepEqual(Object.keys(stores).sort(), ['api/development', 'api/production', 'production']);
    for (const [scope, store] of Object.entries<{ name: string }>(stores)) assert.equal(store.name, scope);
    assert.deepEqual(stores['api/development'].secrets, { API: { key: 'API', value: values.API } });
    assert.equal(sha256(stores.production.secrets.MULTI.value), sha256(values.MULTI));
    assert.deepEqual(stores['api/production'].secrets, {});
  });

  it('a project made with `age -r` and libsodium opens with `get --show --yes`', () => {
    const root = tempDir('kagi-interop-rev-');
    const home = device('bob').home;
    const kagiDir = path.join(root, '.kagi');
    fs.mkdirSync(path.join(kagiDir, 'secrets'), { recursive: true });
    const identityFile = path.join(root, 'age-keygen.txt');
    run('age-keygen', ['-o', identityFile]);
    // age-keygen writes comment lines; the kagi identity file is the bare key (docs/format.md §6.2).
    const secretKey = fs
      .readFileSync(identityFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
    fs.mkdirSync(path.join(home, 'identities'), { recursive: true });
    fs.writeFileSync(path.join(home, 'identities', 'default.agekey'), secretKey, { mode: 0o600 });
    const recipient = run('age-keygen', ['-y', identityFile]).toString().trim();

    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
    const wrapped = run('age', ['-r', recipient], key);
    const stores = { 'api/development': { API: values.API }, production: { MULTI: values.MULTI } };
    run(PYTHON, ['-c', PY_ENCRYPT, kagiDir, key.toString('hex')], JSON.stringify(stores));
    const services = Object.fromEntries(Object.keys(stores).map((s) => [s, { file: `secrets/${s}.enc` }]));
    fs.writeFileSync(
      path.join(kagiDir, 'kagi.json'),
      JSON.stringify(
        {
          version: '2',
          project_id: 'kgp_interop12345',
          services,
          settings: { nested: false, envs: ['development', 'production'], default_env: 'development' },
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(
      path.join(kagiDir, 'access.json'),
      JSON.stringify(
        {
          version: '2',
          members: [
            {
              member_id: 'kgm_interop12345',
              name: 'bob',
              recipient,
              role: 'owner',
              status: 'active',
              wrapped_key: wrapped.toString('base64'),
            },
          ],
        },
        null,
        2,
      ),
    );

    const opts = { cwd: root, home };
    const listing = kagiOk(['get', '--show', '--yes'], opts).stdout;
    assert.ok(listing.includes(values.API));
    for (const line of values.MULTI.split('\n')) assert.ok(listing.includes(line));
    assert.equal(sha256(kagiOk(['get', '--yes', 'production', 'MULTI'], opts).stdout), sha256(values.MULTI + '\n'));
    assert.match(kagiOk(['status'], opts).stdout, /decrypts +yes \(2 scopes\)/);
  });
});
