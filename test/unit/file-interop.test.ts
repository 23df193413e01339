import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, kagi, kagiOk } from './cli-harness';
import { device, tempDir } from './helpers';
import { AGE_KEYGEN, GO_AGE, LIBSODIUM, PYTHON, requirePeers } from './peers';

// `kagi file` artifacts (docs/format.md §4) checked both ways against libsodium (PyNaCl) and Go
// age, independently of our crypto: our CLI's files/ opened by them, and files/ they write the
// way the Rust CLI does opened by our CLI.

function run(cmd: string, args: string[], input?: string | Buffer): Buffer {
  const r = spawnSync(cmd, args, { input });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Opens files/index.enc and every indexed blob, checking kind and stored AAD as Rust does. */
const PY_OPEN = `
import sys, json, base64, hashlib
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt as dec
kagi, key = sys.argv[1], bytes.fromhex(sys.argv[2])
pid = json.load(open(kagi + '/kagi.json'))['project_id']
def open_artifact(path, kind, logical):
    env = json.load(open(path))
    assert list(env) == ['version', 'algorithm', 'kind', 'nonce', 'ciphertext', 'aad', 'tag'], list(env)
    assert env['version'] == 1 and env['algorithm'] == 'XCHACHA20-POLY1305' and env['kind'] == kind
    aad = ('kagi:v1:XCHACHA20-POLY1305:%s:%s:%s' % (kind, pid, logical)).encode()
    assert base64.b64decode(env['aad']) == aad
    nonce, ct, tag = (base64.b64decode(env[f]) for f in ('nonce', 'ciphertext', 'tag'))
    return dec(ct + tag, aad, nonce, key)
raw = open_artifact(kagi + '/files/index.enc', 'file-index', 'index')
index = json.loads(raw)
assert raw == json.dumps(index, separators=(',', ':'), ensure_ascii=False).encode(), 'index is not compact JSON'
blobs = {e['id']: hashlib.sha256(open_artifact(kagi + '/files/' + e['id'] + '.enc', 'file', e['id'])).hexdigest() for e in index['files']}
print(json.dumps({'index': index, 'blobs': blobs}))
`;

/** Writes files/ as the Rust CLI's \`kagi file add\` does (pretty envelope, compact index). */
const PY_WRITE = `
import sys, json, base64, os, hashlib
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt as enc
kagi, key, spec = sys.argv[1], bytes.fromhex(sys.argv[2]), json.loads(sys.stdin.read())
pid = json.load(open(kagi + '/kagi.json'))['project_id']
b64 = lambda b: base64.b64encode(b).decode()
def seal(path, kind, logical, plain):
    aad = ('kagi:v1:XCHACHA20-POLY1305:%s:%s:%s' % (kind, pid, logical)).encode()
    nonce = os.urandom(24)
    sealed = enc(plain, aad, nonce, key)
    with open(path, 'w') as f:
        json.dump({'version': 1, 'algorithm': 'XCHACHA20-POLY1305', 'kind': kind, 'nonce': b64(nonce), 'ciphertext': b64(sealed[:-16]), 'aad': b64(aad), 'tag': b64(sealed[-16:])}, f, indent=2)
os.makedirs(kagi + '/files', exist_ok=True)
files = []
for f in spec:
    data = bytes.fromhex(f['hex'])
    seal(kagi + '/files/' + f['id'] + '.enc', 'file', f['id'], data)
    e = {'id': f['id'], 'scope': f['scope'], 'name': f['name'], 'location': 'repo', 'restore_path': f['path']}
    if 'alias' in f: e['alias'] = f['alias']
    e.update({'size': len(data), 'sha256': hashlib.sha256(data).hexdigest(), 'created_at': '2026-06-20T10:11:12.5Z', 'updated_at': '2026-06-20T10:11:12.5Z'})
    files.append(e)
seal(kagi + '/files/index.enc', 'file-index', 'index', json.dumps({'version': 1, 'files': files}, separators=(',', ':')).encode())
`;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every byte value, so no text conversion on the way can go unnoticed. */
const BINARY = Buffer.from([...Array.from({ length: 256 }, (_, i) => i), 0, 13, 10, 0xff, 0xfe]);

function projectKey(root: string, home: string): Buffer {
  const access = JSON.parse(fs.readFileSync(path.join(root, '.kagi', 'access.json'), 'utf8'));
  const wrapped = path.join(tempDir('kagi-wrapped-'), 'wrapped.age');
  fs.writeFileSync(wrapped, Buffer.from(access.members[0].wrapped_key, 'base64'));
  return run('age', ['-d', '-i', path.join(home, 'identities', 'default.agekey'), wrapped]);
}

describe('file artifacts interop: libsodium (python3-nacl) and Go age', function () {
  this.timeout(60_000);
  before(function () {
    requirePeers(this, [GO_AGE, AGE_KEYGEN, LIBSODIUM]);
    ensureCliBuilt();
  });

  it('files/ written by `kagi file add` opens in libsodium with the artifact AADs and compact index', () => {
    const root = tempDir('kagi-file-interop-');
    const home = device('alice').home;
    const opts = { cwd: root, home, env: { HOME: root } };
    kagiOk(['init', '--envs', 'development,production'], opts);
    fs.mkdirSync(path.join(root, 'certs'));
    fs.writeFileSync(path.join(root, 'certs', 'key.p12'), BINARY);
    fs.writeFileSync(path.join(root, 'sa.json'), '{"type":"service_account"}\n');
    kagiOk(['file', 'add', 'api', 'production', 'certs/key.p12'], opts);
    kagiOk(['file', 'add', '--name', 'gcp', 'sa.json'], opts);

    const key = projectKey(root, home);
    const out = JSON.parse(run(PYTHON, ['-c', PY_OPEN, path.join(root, '.kagi'), key.toString('hex')]).toString());
    const byName = Object.fromEntries(out.index.files.map((e: { name: string }) => [e.name, e]));
    assert.equal(out.index.version, 1);
    assert.deepEqual(
      out.index.files.map((e: Record<string, unknown>) => Object.keys(e)),
      [
        ['id', 'scope', 'name', 'location', 'restore_path', 'size', 'sha256', 'created_at', 'updated_at'],
        ['id', 'scope', 'name', 'location', 'restore_path', 'alias', 'size', 'sha256', 'created_at', 'updated_at'],
      ],
      'Rust field order; alias only when given; sorted by scope',
    );
    assert.match(byName['key.p12'].id, /^kgf_[A-Za-z0-9_-]{10}$/);
    assert.deepEqual(
      [byName['key.p12'].scope, byName['key.p12'].restore_path, byName['key.p12'].size],
      ['api/production', 'certs/key.p12', BINARY.length],
    );
    assert.equal(byName['key.p12'].sha256, sha(BINARY));
    assert.equal(out.blobs[byName['key.p12'].id], sha(BINARY));
    assert.deepEqual(
      [byName.gcp.scope, byName.gcp.alias],
      ['development', 'gcp'],
      'no words, no service: root default env',
    );
    assert.match(byName.gcp.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('files/ written per docs/format.md §4 by libsodium lists, shows byte-identical, restores and removes', () => {
    const root = tempDir('kagi-file-interop-rev-');
    const home = device('bob').home;
    const opts = { cwd: root, home, env: { HOME: root } };
    kagiOk(['init', '--envs', 'development,production'], opts);
    const key = projectKey(root, home);
    const spec = [
      {
        id: 'kgf_Ab3dE_6hJ-',
        scope: 'api/production',
        name: 'key.p12',
        path: 'certs/key.p12',
        hex: BINARY.toString('hex'),
      },
      {
        id: 'kgf_Zz9-_00aaB',
        scope: 'api/production',
        name: 'gcp',
        alias: 'gcp',
        path: 'sa.json',
        hex: Buffer.from('{}').toString('hex'),
      },
    ];
    run(PYTHON, ['-c', PY_WRITE, path.join(root, '.kagi'), key.toString('hex')], JSON.stringify(spec));

    assert.equal(
      kagiOk(['file', 'list', '--all'], opts).stdout,
      `api/production\n  repo:certs/key.p12 ${BINARY.length} bytes key.p12\n  repo:sa.json 2 bytes gcp alias:gcp\n`,
    );
    const shown = spawnSync(
      process.execPath,
      [path.resolve(__dirname, '../../dist/cli.js'), 'file', 'show', '--yes', 'api', 'production', 'key.p12'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, KAGI_HOME: home, HOME: root },
      },
    );
    assert.equal(shown.status, 0, shown.stderr.toString());
    assert.equal(sha(shown.stdout), sha(BINARY), 'show writes the bytes unchanged');

    kagiOk(['file', 'restore', 'api', 'production', 'repo:certs/key.p12'], opts);
    const restored = path.join(root, 'certs', 'key.p12');
    assert.equal(sha(fs.readFileSync(restored)), sha(BINARY));
    assert.equal(fs.statSync(restored).mode & 0o777, 0o600);

    kagiOk(['file', 'remove', '--force', 'api', 'production', 'gcp'], opts);
    assert.equal(fs.existsSync(path.join(root, '.kagi', 'files', 'kgf_Zz9-_00aaB.enc')), false);
    const out = JSON.parse(run(PYTHON, ['-c', PY_OPEN, path.join(root, '.kagi'), key.toString('hex')]).toString());
    assert.deepEqual(
      out.index.files.map((e: { id: string }) => e.id),
      ['kgf_Ab3dE_6hJ-'],
      'the rewritten index opens in libsodium and lists the remaining file',
    );
    assert.equal(out.index.files[0].created_at, '2026-06-20T10:11:12.5Z', 'other entries are kept as they were');
    assert.equal(kagi(['file', 'show', '--yes', 'api', 'production', 'gcp'], opts).code, 1);
  });
});
