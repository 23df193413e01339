import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, ensureCliBuilt, kagi, kagiOk } from './cli-harness';
import { device, tempDir } from './helpers';

// `kagi run --file VAR=NAME` (docs/injection.md "Files as paths"): the plaintext exists, 0600 in
// a private 0700 folder, only while the program runs; a crash's leftovers go at the next start.

/** Prints what the program saw: the path, its mode, its folder's mode, the content's SHA-256. */
const INSPECT = [
  'node',
  '-e',
  `const fs=require('fs'),p=process.env.CRED;process.stdout.write(JSON.stringify({p,mode:fs.statSync(p).mode&0o777,dir:fs.statSync(require('path').dirname(p)).mode&0o777,sha:require('crypto').createHash('sha256').update(fs.readFileSync(p)).digest('hex'),pid:process.pid}))`,
];

const BYTES = Buffer.from([0, 1, 2, 250, 13, 10, 0xff]);

function setup() {
  const root = tempDir('kagi-run-file-');
  const runtime = tempDir('kagi-runtime-');
  fs.chmodSync(runtime, 0o700);
  const alice = device('alice');
  const o = { cwd: root, home: alice.home, env: { HOME: root, XDG_RUNTIME_DIR: runtime } };
  kagiOk(['init', '--envs', 'development,production'], o);
  kagiOk(['set', 'api', 'production', 'TOKEN', 't'], o);
  fs.writeFileSync(path.join(root, 'sa.json'), BYTES);
  kagiOk(['file', 'add', '--name', 'gcp', 'api', 'production', 'sa.json'], o);
  return { root, runtime, o, base: path.join(runtime, 'kagi-files') };
}

describe('cli: run --file', function () {
  this.timeout(60_000);
  before(() => ensureCliBuilt());

  it('gives the program a 0600 file in a private folder under XDG_RUNTIME_DIR, removed when it exits', () => {
    const s = setup();
    const r = kagiOk(['run', '--file', 'CRED=gcp', 'api', 'production', '--', ...INSPECT], s.o);
    const seen = JSON.parse(r.stdout);
    assert.equal(seen.sha, createHash('sha256').update(BYTES).digest('hex'));
    assert.equal(seen.mode, 0o600);
    assert.equal(seen.dir, 0o700);
    assert.ok(seen.p.startsWith(s.base + path.sep), `${seen.p} is under ${s.base}`);
    assert.equal(fs.existsSync(seen.p), false, 'the plaintext is gone after the program ended');
    assert.deepEqual(fs.readdirSync(s.base), [], 'and so is its session folder');
  });

  it('selects by locator too, and without XDG_RUNTIME_DIR uses /dev/shm on Linux (else the temp folder)', () => {
    const s = setup();
    const shm = process.platform === 'linux' && fs.existsSync('/dev/shm');
    const expected = shm ? `/dev/shm/kagi-files-${process.getuid!()}/` : path.join(os.tmpdir(), 'kagi-files');
    const env = { HOME: s.root };
    const r = kagiOk(['run', '--file=CRED=repo:sa.json', 'api', 'production', '--', ...INSPECT], { ...s.o, env });
    const seen = JSON.parse(r.stdout);
    assert.ok(seen.p.startsWith(expected), `${seen.p} is under ${expected}`);
    assert.equal(fs.existsSync(path.dirname(seen.p)), false);
  });

  it('a missing file or a bad request starts nothing and writes no plaintext', () => {
    const s = setup();
    const marker = path.join(s.root, 'started');
    const touch = ['node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`];
    for (const [args, message] of [
      [['--file', 'CRED=nope', 'api', 'production', '--', ...touch], /file not found in api\/production: nope/],
      [['--file', 'CRED', 'api', 'production', '--', ...touch], /--file expects VAR=NAME/],
      [['--file', 'CRED=gcp', '--file', 'CRED=gcp', 'api', 'production', '--', ...touch], /given twice/],
      [['--file', 'CRED=gcp', ...touch], /--file needs a scope/],
    ] as const) {
      const r = kagi(['run', ...args], s.o);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    assert.equal(fs.existsSync(marker), false);
    assert.deepEqual(fs.existsSync(s.base) ? fs.readdirSync(s.base) : [], []);
  });

  it('a killed kagi leaves its folder; the next run removes it and keeps folders of live processes', async () => {
    const s = setup();
    const hold = [
      'node',
      '-e',
      `process.stdout.write(JSON.stringify({p:process.env.CRED,pid:process.pid})+'\\n');setInterval(()=>{},1000)`,
    ];
    const child = spawn(process.execPath, [CLI, 'run', '--file', 'CRED=gcp', 'api', 'production', '--', ...hold], {
      cwd: s.root,
      env: { PATH: process.env.PATH, KAGI_HOME: s.o.home, USER: 'alice', ...s.o.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
    });
    const held = JSON.parse(line);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    process.kill(held.pid, 'SIGKILL');
    assert.equal(fs.existsSync(held.p), true, 'a crash leaves the plaintext behind');
    const live = path.join(s.base, `s-${process.pid}-abcdefgh`);
    fs.mkdirSync(live);

    kagiOk(['run', '--file', 'CRED=gcp', 'api', 'production', '--', 'node', '-e', ''], s.o);
    assert.equal(fs.existsSync(path.dirname(held.p)), false, 'the next start removed the dead session');
    assert.equal(fs.existsSync(live), true, 'a live process keeps its folder');
    fs.rmSync(live, { recursive: true });
  });
});
