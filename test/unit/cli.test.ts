import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { unwrapProjectKey } from '../../src/vault/crypto/wrap';
import { Project } from '../../src/vault/project/project';
import { setSecrets } from '../../src/vault/usecases/secrets';
import {
  assertNoStack,
  CLI,
  ensureCliBuilt,
  hasScript,
  hashEnvProgram,
  hashOf,
  kagi,
  kagiOk,
  kagiTty,
  sha256,
  type CliOptions,
} from './cli-harness';
import { device, tempDir } from './helpers';

/** A fresh vault owned by a fresh device, for tests that need their own. */
function newVault(...initArgs: string[]): CliOptions {
  const opts = { cwd: tempDir('kagi-cli-'), home: device('owner').home };
  kagiOk(['init', ...initArgs], opts);
  return opts;
}

function assertUserError(r: { code: number | null; stderr: string; stdout: string }, message: RegExp): void {
  assert.equal(r.code, 1, `expected exit 1, got ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, /^kagi: error: /);
  assert.match(r.stderr, message);
  assert.match(r.stderr, /^ {2}hint: /m);
  assertNoStack(r.stderr);
}

describe('cli: help, errors, exit codes', function () {
  this.timeout(60_000);
  before(ensureCliBuilt);
  const nowhere = { cwd: tempDir('kagi-cli-empty-'), home: device('nobody').home };

  it('a closed pipe (`kagi get | head -1`) ends the listing quietly, exit 0', async () => {
    const owner = device('owner');
    const opts = { cwd: tempDir('kagi-cli-'), home: owner.home };
    kagiOk(['init'], opts);
    // Far more than a pipe holds, so the listing is still writing when head has gone.
    const many = Array.from({ length: 4000 }, (_, i) => ({ key: `KEY_${i}`, value: 'v' }));
    await setSecrets(Project.open(opts.cwd, owner), 'api/development', many);
    const script = '"$0" "$1" get api development | head -1; exit "${PIPESTATUS[0]}"';
    const r = spawnSync('bash', ['-c', script, process.execPath, CLI], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', KAGI_HOME: owner.home, USER: 'owner' },
      encoding: 'utf8',
      // Not a socket on stdin: bash would take itself for a remote shell and read ~/.bashrc.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout.split('\n').length, 2, 'head printed one line');
  });

  it('prints help for the program and per command, exit 0', () => {
    const top = kagiOk(['--help'], nowhere).stdout;
    for (const c of ['init', 'set', 'get', 'unset', 'run', 'import', 'export', 'sync', 'env', 'member', 'status'])
      assert.match(top, new RegExp(`^ {2}${c} `, 'm'));
    assert.match(kagiOk(['set', '--help'], nowhere).stdout, /--stdin/);
    assert.match(kagiOk(['help', 'unset'], nowhere).stdout, /normalized/);
    assert.match(kagiOk(['member', '--help'], nowhere).stdout, /rotate/);
  });

  it("--version and -V print package.json's version, exit 0", () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V'])
      assert.match(kagiOk([flag], nowhere).stdout, new RegExp(`^kagi ${version.replace(/\./g, '\\.')} `));
  });

  it('an unknown command or option is a usage error with a hint, exit 1, no stack', () => {
    assertUserError(kagi(['frobnicate'], nowhere), /unknown command/);
    assertUserError(kagi(['get', '--bogus'], nowhere), /unknown option/);
  });

  it('outside a vault: a clear error naming the folder', () => {
    assertUserError(kagi(['get'], nowhere), /no kagi vault in/);
    assertUserError(kagi(['status'], nowhere), /no kagi vault in/);
  });

  it('init twice refuses without --force', () => {
    const v = newVault();
    assertUserError(kagi(['init'], v), /already exists/);
    kagiOk(['init', '--force'], v);
  });

  it('bare --envs gives development,test,production; --envs x prepends development', () => {
    const bare = newVault('--envs', '--nested');
    assert.match(kagiOk(['status'], bare).stdout, /development, test, production/);
    const listed = newVault('--envs', 'qa,prod');
    assert.match(kagiOk(['status'], listed).stdout, /development, qa, prod/);
  });
});

describe('cli: masking and confirmations', function () {
  this.timeout(60_000);
  before(ensureCliBuilt);
  const secret = 'hunter2-very-secret';
  let v: CliOptions;
  before(() => {
    v = newVault('--envs', 'development,production');
    kagiOk(['set', 'api', 'TOKEN', secret, '--description', 'the api token'], v);
    kagiOk(['set', 'production', 'ROOT', secret], v);
  });

  it('listings mask every value as ******** and group by service with (root)', () => {
    const out = kagiOk(['get'], v).stdout;
    assert.ok(!out.includes(secret));
    assert.match(out, /\*{8}/);
    assert.match(out, /^\(root\)\n {2}production\n {4}┌/m);
    assert.match(out, /^api\n {2}development\n {4}┌/m);
    assert.match(out, /│ Key +│ Value +│ Desc +│/);
    assert.match(out, /no secrets in production/);
    const one = kagiOk(['get', 'api', 'development'], v).stdout;
    assert.match(one, /^┌/);
    assert.ok(one.includes('TOKEN') && !one.includes(secret));
  });

  it('reveals need --yes off a terminal, and print nothing without it', () => {
    for (const args of [
      ['get', '--show'],
      ['get', 'api', 'TOKEN'],
      ['export', 'api', 'development'],
      ['unset', 'api', 'TOKEN'],
    ]) {
      const r = kagi(args, v);
      assertUserError(r, /requires confirmation: rerun with --yes/);
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
    }
    assert.ok(kagiOk(['get', '--show', '--yes'], v).stdout.includes(secret));
    assert.equal(kagiOk(['get', '--yes', 'api', 'TOKEN'], v).stdout, secret + '\n');
  });

  it('member remove and env remove need --yes off a terminal', () => {
    assertUserError(kagi(['env', 'remove', 'production'], v), /requires confirmation/);
    assertUserError(kagi(['member', 'remove', 'kgm_whoever12345'], v), /requires confirmation/);
    assert.ok(fs.existsSync(path.join(v.cwd, '.kagi', 'secrets', 'production.enc')));
  });

  it('scope remove: an empty scope goes, a scope with secrets needs --force', () => {
    kagiOk(['set', 'development', 'JUNK', 'x'], v);
    kagiOk(['unset', '--yes', 'development', 'JUNK'], v);
    const empty = path.join(v.cwd, '.kagi', 'secrets', 'development.enc');
    assert.ok(fs.existsSync(empty), 'the emptied root scope should still exist before scope remove');
    assert.match(kagiOk(['scope', 'remove', 'development'], v).stdout, /^removed scope development\n$/);
    assert.ok(!fs.existsSync(empty));
    const services = JSON.parse(fs.readFileSync(path.join(v.cwd, '.kagi', 'kagi.json'), 'utf8')).services;
    assert.ok(!('development' in services) && 'api/development' in services);
    const refused = kagi(['scope', 'remove', 'api/development'], v);
    assertUserError(refused, /api\/development still holds 1 secret/);
    assert.ok(!refused.stderr.includes(secret));
    assert.equal(kagiOk(['get', '--yes', 'api', 'TOKEN'], v).stdout, secret + '\n');
    assertUserError(kagi(['scope', 'remove', 'nope/development'], v), /scope nope\/development does not exist/);
  });

  it('errors about a key never contain a value', () => {
    const r = kagi(['get', '--yes', 'api', 'NOPE'], v);
    assertUserError(r, /NOPE is not set in api\/development/);
    assert.ok(!r.stderr.includes(secret));
  });

  it('on a terminal, get --show asks y/N and reveals only after y', function () {
    if (!hasScript()) this.skip();
    const no = kagiTty(['get', '--show'], { ...v, input: 'n\n' });
    assert.match(no.stdout, /\[y\/N\]/);
    assert.ok(!no.stdout.includes(secret));
    assert.notEqual(no.code, 0);
    assert.ok(kagiTty(['get', '--show'], { ...v, input: 'y\n' }).stdout.includes(secret));
  });

  it('on a terminal, env remove needs the exact name typed', function () {
    if (!hasScript()) this.skip();
    kagiOk(['env', 'add', 'scratch'], v);
    const wrong = kagiTty(['env', 'remove', 'scratch'], { ...v, input: 'scratc\n' });
    assert.match(wrong.stdout, /Type the environment name scratch/);
    assert.ok(fs.existsSync(path.join(v.cwd, '.kagi', 'secrets', 'api', 'scratch.enc')));
    kagiTty(['env', 'remove', 'scratch'], { ...v, input: 'scratch\n' });
    assert.ok(!fs.existsSync(path.join(v.cwd, '.kagi', 'secrets', 'api', 'scratch.enc')));
  });
});

describe('cli: set, get and run grammar', function () {
  this.timeout(60_000);
  before(ensureCliBuilt);
  let v: CliOptions;
  before(() => {
    v = newVault('--envs', 'development,staging,production', '--nested');
  });
  const scopes = () =>
    Object.keys(JSON.parse(fs.readFileSync(path.join(v.cwd, '.kagi', 'kagi.json'), 'utf8')).services).sort();
  const reveal = (...args: string[]) => kagiOk(['get', '--yes', ...args], v).stdout;

  it('set api K V → api/<default env>, pre-creating the other envs', () => {
    assert.match(kagiOk(['set', 'api', 'K', 'dev-value'], v).stdout, /added K in api\/development/);
    assert.deepEqual(scopes(), ['api/development', 'api/production', 'api/staging']);
  });

  it('set production K V → root scope; set api staging K V → api/staging', () => {
    assert.match(kagiOk(['set', 'production', 'K', 'root-prod'], v).stdout, /in production\n/);
    assert.match(kagiOk(['set', 'api', 'staging', 'K', 'api-staging'], v).stdout, /in api\/staging\n/);
    assert.equal(reveal('production', 'K'), 'root-prod\n');
    assert.equal(reveal('api', 'staging', 'K'), 'api-staging\n');
    assert.equal(reveal('api', 'K'), 'dev-value\n');
  });

  it('set K V at the root without a service is a usage error', () => {
    assertUserError(kagi(['set', 'K', 'V'], v), /./);
  });

  it('keys are normalized by set, and unset finds them the same way', () => {
    const r = kagiOk(['set', 'api', 'db-url', 'x'], v);
    assert.match(r.stdout, /DB_URL/);
    assert.match(r.stderr, /db-url is stored as DB_URL/);
    assert.match(kagiOk(['unset', '--yes', 'api', 'db-url'], v).stdout, /removed DB_URL from api\/development/);
    assertUserError(kagi(['unset', '--yes', 'api', 'db-url'], v), /not set/);
  });

  it('the service is inferred from a nested folder; --service overrides it', () => {
    const sub = path.join(v.cwd, 'web', 'src');
    fs.mkdirSync(sub, { recursive: true });
    assert.match(kagiOk(['set', 'W', '1'], { ...v, cwd: sub }).stdout, /in web\/development/);
    assert.match(kagiOk(['set', 'staging', 'W', '2'], { ...v, cwd: sub }).stdout, /in web\/staging/);
    assert.match(kagiOk(['set', '--service', 'api', 'W', '3'], { ...v, cwd: sub }).stdout, /in api\/development/);
    assert.match(kagiOk(['status'], { ...v, cwd: sub }).stdout, /service +web \(inferred/);
  });

  it('--stdin keeps a multi-line value and drops one trailing newline', () => {
    kagiOk(['set', 'api', 'PEM', '--stdin'], { ...v, input: 'a\nb\n\n' });
    assert.equal(reveal('api', 'PEM'), 'a\nb\n\n');
  });

  it('run: secrets override the parent env, the rest is inherited, exit codes pass through', () => {
    const env = { K: 'from-parent', ONLY_PARENT: 'kept' };
    const r = kagiOk(['run', 'api', 'staging', ...hashEnvProgram(['K', 'ONLY_PARENT'])], { ...v, env });
    assert.equal(r.stdout, hashOf(['api-staging', 'kept']));
    assert.equal(kagi(['run', 'api', 'node', '-e', 'process.exit(7)'], v).code, 7);
    assert.equal(kagi(['run', 'api', 'node', '-e', "process.kill(process.pid, 'SIGTERM')"], v).code, 1);
  });

  it('run passes the program its own flags and stops option parsing at the program', () => {
    const r = kagiOk(
      [
        'run',
        'api',
        'production',
        'node',
        '-e',
        'process.stdout.write(process.argv.slice(1).join("|"))',
        '--',
        '--help',
        '-x',
      ],
      v,
    );
    assert.equal(r.stdout, '--help|-x');
  });

  it('run: a program that does not exist is exit 1 with a clear message', () => {
    assertUserError(kagi(['run', 'api', 'no-such-program-kagi-test'], v), /could not start no-such-program-kagi-test/);
  });

  it('run without any matching scope runs without secrets after a notice on stderr', () => {
    const r = kagi(['run', 'node', '-e', 'process.stdout.write(String(process.env.K))'], v);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'undefined');
    assert.match(r.stderr, /^kagi: .*without secrets/im);
  });
});

describe('cli: import and export', function () {
  this.timeout(60_000);
  before(ensureCliBuilt);
  let v: CliOptions;
  before(() => {
    v = newVault('--envs', 'development,production');
  });
  const write = (name: string, text: string) => fs.writeFileSync(path.join(v.cwd, name), text);
  const reveal = (...args: string[]) => kagiOk(['get', '--yes', ...args], v).stdout;

  it('first import lists new keys and writes them', () => {
    write('.env', '# the db\nDB=one\nAPI=two\n');
    const r = kagiOk(['import', 'api'], v);
    assert.match(r.stdout, /new: +API, DB|new: +DB, API/);
    assert.equal(reveal('api', 'DB'), 'one\n');
  });

  it('--dry-run writes nothing', () => {
    write('.env.next', 'DB=changed\nNEW=3\n');
    const r = kagiOk(['import', 'api', '--file', '.env.next', '--dry-run'], v);
    assert.match(r.stdout, /overwrite: +DB/);
    assert.match(r.stdout, /new: +NEW/);
    assert.equal(reveal('api', 'DB'), 'one\n');
    assertUserError(kagi(['get', '--yes', 'api', 'NEW'], v), /not set/);
  });

  it('off a terminal, an import that would overwrite stops with exit 0 and writes nothing', () => {
    const r = kagi(['import', 'api', '--file', '.env.next'], v);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--force/);
    assert.equal(reveal('api', 'DB'), 'one\n');
    assertUserError(kagi(['get', '--yes', 'api', 'NEW'], v), /not set/);
  });

  it('--force overwrites', () => {
    kagiOk(['import', 'api', '--file', '.env.next', '--force'], v);
    assert.equal(reveal('api', 'DB'), 'changed\n');
    assert.equal(reveal('api', 'NEW'), '3\n');
  });

  it('--upper-snake normalizes imported keys', () => {
    write('.env.lower', 'db-host=h\n');
    kagiOk(['import', 'api', 'production', '--file', '.env.lower', '--upper-snake'], v);
    assert.equal(reveal('api', 'production', 'DB_HOST'), 'h\n');
  });

  it('export prints one scope; --out writes .env.<env> files with mode 0600', () => {
    const out = kagiOk(['export', 'api', 'development', '--yes'], v).stdout;
    assert.match(out, /DB=/);
    const dir = tempDir('kagi-export-');
    const r = kagiOk(['export', 'api', '--out', dir, '--yes'], v);
    assert.match(r.stdout, /\.env\.development/);
    for (const env of ['development', 'production']) {
      const file = path.join(dir, `.env.${env}`);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, `${file} mode`);
    }
    assert.match(fs.readFileSync(path.join(dir, '.env.production'), 'utf8'), /DB_HOST=/);
  });

  it('export of a whole service without --out is a usage error', () => {
    assertUserError(kagi(['export', '--yes', '--service', 'api'], v), /--out/);
  });
});

describe('cli: project key precedence, status, env, sync', function () {
  this.timeout(60_000);
  before(ensureCliBuilt);
  let v: CliOptions;
  let keyHex = '';
  before(async () => {
    v = newVault('--envs', 'development,staging');
    kagiOk(['set', 'api', 'K', 'v1'], v);
    const access = JSON.parse(fs.readFileSync(path.join(v.cwd, '.kagi', 'access.json'), 'utf8'));
    const identity = fs.readFileSync(path.join(v.home, 'identities', 'default.agekey'), 'utf8');
    keyHex = Buffer.from(
      (await unwrapProjectKey(Buffer.from(access.members[0].wrapped_key, 'base64'), identity))!,
    ).toString('hex');
  });

  it('status names the project, the key source, decryption and the member', () => {
    const out = kagiOk(['status'], v).stdout;
    assert.match(out, /project +kgp_/);
    assert.match(out, /key +device identity/);
    assert.match(out, /decrypts +yes/);
    assert.match(out, /member +kgm_\S+ tester \(owner, active\)/);
  });

  it('KAGI_PROJECT_KEY opens the vault on a device without an identity', () => {
    const ci = { cwd: v.cwd, home: device('ci').home, env: { KAGI_PROJECT_KEY: keyHex.toUpperCase() } };
    assert.equal(kagiOk(['get', '--yes', 'api', 'K'], ci).stdout, 'v1\n');
    assert.match(kagiOk(['status'], ci).stdout, /key +KAGI_PROJECT_KEY/);
  });

  it('an invalid KAGI_PROJECT_KEY is a hard error even when the identity would work', () => {
    const r = kagi(['get', '--yes', 'api', 'K'], { ...v, env: { KAGI_PROJECT_KEY: 'abc' } });
    assertUserError(r, /invalid project key in KAGI_PROJECT_KEY/);
    assert.equal(kagi(['status'], { ...v, env: { KAGI_PROJECT_KEY: 'abc' } }).code, 1);
  });

  it('env add, rename and remove', () => {
    kagiOk(['env', 'add', 'qa'], v);
    assert.ok(fs.existsSync(path.join(v.cwd, '.kagi', 'secrets', 'api', 'qa.enc')));
    kagiOk(['env', 'rename', 'qa', 'uat'], v);
    assert.ok(fs.existsSync(path.join(v.cwd, '.kagi', 'secrets', 'api', 'uat.enc')));
    assertUserError(kagi(['env', 'remove', 'development', '--yes'], v), /./);
    kagiOk(['env', 'remove', 'uat', '--yes'], v);
    assert.ok(!fs.existsSync(path.join(v.cwd, '.kagi', 'secrets', 'api', 'uat.enc')));
  });

  it('sync adds template keys without overwriting', () => {
    fs.writeFileSync(path.join(v.cwd, '.env.example'), 'K=template\n# OPTIONAL=x\nNEW=default\n');
    kagiOk(['sync', '--service', 'api', '--envs', 'development,staging'], v);
    const reveal = (...args: string[]) => kagiOk(['get', '--yes', ...args], v).stdout;
    assert.equal(reveal('api', 'K'), 'v1\n');
    assert.equal(reveal('api', 'staging', 'NEW'), 'default\n');
    assert.equal(sha256(reveal('api', 'staging', 'OPTIONAL')), sha256('\n'));
  });
});
