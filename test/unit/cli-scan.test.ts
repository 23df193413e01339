import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, kagi, kagiOk, kagiTty, type CliOptions, type CliResult } from './cli-harness';
import { device, tempDir } from './helpers';

const CANARY = 'scan-canary-7Qx9vLp2';
const PEM_LINE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
const SHORT = 'abc1234'; // 7 characters: under the rule's minimum

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, KAGI_HOME: process.env.KAGI_HOME ?? '' },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function repo(): CliOptions {
  const v = { cwd: tempDir('kagi-scan-'), home: device('owner').home };
  git(v.cwd, 'init', '-q', '-b', 'main');
  kagiOk(['init', '--envs', 'development,production', '--no-migrate'], v);
  kagiOk(['set', 'api', 'production', 'API_TOKEN', CANARY], v);
  kagiOk(['set', 'api', 'development', 'SAME_TOKEN', CANARY], v);
  kagiOk(['set', 'api', 'production', '--', 'TLS_KEY', `-----BEGIN KEY-----\n${PEM_LINE}\n-----END KEY-----`], v);
  kagiOk(['set', 'api', 'production', 'SHORTY', SHORT], v);
  kagiOk(['set', 'api', 'production', 'FLAG', 'true'], v);
  kagiOk(['set', 'api', 'production', 'PORT_NUMBER', '1234567890'], v);
  return v;
}

function write(v: CliOptions, file: string, text: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(v.cwd, file)), { recursive: true });
  fs.writeFileSync(path.join(v.cwd, file), text);
}

function assertNoCanary(r: CliResult): void {
  for (const secret of [CANARY, PEM_LINE, SHORT]) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'a value reached the output');
  }
}

describe('cli: scan (plaintext vault values in files Git would commit)', () => {
  before(ensureCliBuilt);

  it('a clean tree: exit 0, a summary on stderr, nothing on stdout', () => {
    const v = repo();
    write(v, 'src/app.js', 'const token = process.env.API_TOKEN;\nconst flag = true;\n');
    const r = kagi(['scan'], v);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no vault value found/);
    assertNoCanary(r);
  });

  it('finds tracked and untracked values with path:line:col KEY (scopes); never prints the value', () => {
    const v = repo();
    write(v, 'src/app.js', `// setup\nconst token = "${CANARY}";\n`);
    git(v.cwd, 'add', 'src/app.js');
    git(v.cwd, 'commit', '-qm', 'app');
    write(v, 'config/dev.yaml', `tls:\n  key: |\n    ${PEM_LINE}\n`);
    write(v, 'notes.txt', `short ${SHORT}, ${'true'} 1234567890\n`); // not searched: short, common, a number
    const r = kagi(['scan'], v);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trim().split('\n').sort();
    assert.deepEqual(lines, [
      'config/dev.yaml:3:5  TLS_KEY  (api/production)',
      'src/app.js:2:16  API_TOKEN  (api/production)',
      'src/app.js:2:16  SAME_TOKEN  (api/development)',
    ]);
    assertNoCanary(r);
  });

  it('ignored files, .kagi/, binaries and files over the cap are skipped', () => {
    const v = repo();
    write(v, '.gitignore', '.env\n');
    write(v, '.env', `API_TOKEN=${CANARY}\n`);
    write(v, 'nested/.kagi/copy.txt', CANARY);
    write(v, 'bin/blob.dat', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(CANARY)]));
    write(v, 'big.txt', 'x'.repeat(1024 * 1024) + CANARY);
    const r = kagi(['scan'], v);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /skipped: 1 binary, 1 too large/);
    assertNoCanary(r);
  });

  it('PATH arguments limit the scan', () => {
    const v = repo();
    write(v, 'a/leak.txt', CANARY);
    write(v, 'b/clean.txt', 'nothing');
    assert.equal(kagi(['scan', 'b'], v).code, 0);
    const r = kagi(['scan', 'a'], v);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^a\/leak\.txt:1:1 {2}API_TOKEN/m);
  });

  it('--staged reads the index, not the disk', () => {
    const v = repo();
    write(v, 'app.env', `TOKEN=${CANARY}\n`);
    git(v.cwd, 'add', 'app.env');
    write(v, 'app.env', 'TOKEN=${API_TOKEN}\n'); // fixed on disk, not staged
    const staged = kagi(['scan', '--staged'], v);
    assert.equal(staged.code, 1, staged.stderr);
    assert.match(staged.stdout, /^app\.env:1:7 {2}API_TOKEN {2}\(api\/production\)$/m);
    assert.equal(kagi(['scan'], v).code, 0);
    assertNoCanary(staged);
  });

  it('errors are exit 2: not a Git repository, not a member', () => {
    const v = repo();
    fs.rmSync(path.join(v.cwd, '.git'), { recursive: true });
    const noGit = kagi(['scan'], v);
    assert.equal(noGit.code, 2);
    assert.match(noGit.stderr, /git ls-files failed/);
    const stranger = kagi(['scan'], { ...repo(), home: device('stranger').home });
    assert.equal(stranger.code, 2);
    assertNoCanary(stranger);
  });

  it('--help states the rule for values that are not searched', () => {
    const r = kagi(['scan', '--help'], repo());
    assert.equal(r.code, 0);
    assert.match(r.stdout, /shorter than 8 characters/);
    assert.match(r.stdout, /localhost/);
  });

  it('--install-hook: the hook refuses a commit holding a value; a foreign hook is kept off a terminal', () => {
    const v = repo();
    const hook = path.join(v.cwd, '.git', 'hooks', 'pre-commit');
    fs.mkdirSync(path.dirname(hook), { recursive: true });
    fs.writeFileSync(hook, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const refused = kagi(['scan', '--install-hook'], v);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /not written by kagi/);
    assert.equal(fs.readFileSync(hook, 'utf8'), '#!/bin/sh\nexit 0\n');
    assert.equal(kagi(['scan', '--install-hook', '--yes'], v).code, 0);
    write(v, 'leak.js', `x = '${CANARY}'\n`);
    git(v.cwd, 'add', 'leak.js');
    const commit = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'leak'], {
      cwd: v.cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, KAGI_HOME: v.home, USER: 'owner' },
    });
    assert.notEqual(commit.status, 0, 'the hook let the commit through');
    assert.match(commit.stdout + commit.stderr, /leak\.js:1:6 {2}API_TOKEN/);
    assert.ok(!(commit.stdout + commit.stderr).includes(CANARY));
  });

  it('--install-hook on a terminal asks before replacing a foreign hook', () => {
    const v = repo();
    const hook = path.join(v.cwd, '.git', 'hooks', 'pre-commit');
    fs.mkdirSync(path.dirname(hook), { recursive: true });
    fs.writeFileSync(hook, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const no = kagiTty(['scan', '--install-hook'], { ...v, input: 'n\n' });
    assert.match(no.stdout, /Replace it\?/);
    assert.equal(fs.readFileSync(hook, 'utf8'), '#!/bin/sh\nexit 0\n');
    kagiTty(['scan', '--install-hook'], { ...v, input: 'y\n' });
    assert.match(fs.readFileSync(hook, 'utf8'), /kagi-scan pre-commit hook/);
  });
});
