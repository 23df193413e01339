/**
 * Issue 8, point 6: secret hygiene. A canary value is stored, then every error path we
 * can trigger is taken through the CLI (wrong key, tampered store, bad .env holding the
 * canary, non-member, conflict, missing scope, missing program, …). The canary must
 * never appear in an error message, in the CLI's stdout/stderr, or in any file written
 * outside the encrypted stores: the plaintext JSON of .kagi/, the lock, temp files, and
 * the device folder (identities excepted). The project key must not land on disk either.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { keyCachePath } from '../../../src/vault/device/dataDir';
import { initProject } from '../../../src/vault/usecases/init';
import { writeJournal } from '../../../src/vault/project/journal';
import { approveMember, requestAccess } from '../../../src/vault/team/members';
import { Project } from '../../../src/vault/project/project';
import { planRotation } from '../../../src/vault/team/rotation';
import { device, tempDir } from '../helpers';
import { CANARY } from './corpus';
import { ensureCli, filesContaining, rmTree, runCli, type CliResult } from './support';

const CANARY_LINE = `line one\n${CANARY} "quoted" #hash`;
/** Descriptions are not secret (listings show them, as in Rust), so they hold no canary. */
const DESC = 'a description';

describe('reliability: secret hygiene (canary on every error path)', function () {
  this.timeout(120_000);
  let root: string;
  let alice: ReturnType<typeof device>;
  let bob: ReturnType<typeof device>;
  let outside: string;
  let keyHex: string;
  let projectId: string;
  const env = () => ({ KAGI_HOME: alice.home, USER: 'alice' });
  const kagi = (args: string[], extra: Record<string, string> = {}, input?: string, cwd = root) =>
    runCli(args, { cwd, env: { ...env(), ...extra }, input, timeoutMs: 20_000 });

  /** Output and error of one command: no canary, no key, no stack, the expected exit. */
  function clean(r: CliResult, what: string, exit: number | 'nonzero' = 'nonzero'): void {
    for (const [stream, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ] as const) {
      for (const needle of [CANARY, keyHex]) {
        assert.ok(
          !text.includes(needle),
          `${what}: ${stream} leaks ${needle === CANARY ? 'the canary' : 'the project key'}:\n${text}`,
        );
      }
    }
    assert.ok(!r.stderr.includes('unexpected internal error'), `${what}: crash: ${r.stderr}`);
    assert.ok(!/\n\s+at .*\(.*:\d+:\d+\)/.test(r.stderr), `${what}: a stack trace: ${r.stderr}`);
    if (exit === 'nonzero') {
      assert.notEqual(r.code, 0, `${what}: expected a failure`);
      assert.match(r.stderr, /kagi: error: /, `${what}: no error line`);
    } else {
      assert.equal(r.code, exit, `${what}: exit ${r.code}: ${r.stderr}`);
    }
  }

  /** Every file outside the encrypted stores is free of the canary and the key. */
  function assertNoPlaintextOnDisk(when: string): void {
    const isStore = (rel: string) => /\.enc$/.test(rel) || /\.enc\.[0-9a-f]{12}\.tmp$/.test(rel);
    for (const needle of [CANARY, keyHex]) {
      const name = needle === CANARY ? 'the canary' : 'the project key';
      assert.deepEqual(
        filesContaining(path.join(root, '.kagi'), needle, isStore),
        [],
        `${when}: ${name} in .kagi/ plaintext`,
      );
      assert.deepEqual(
        filesContaining(alice.home, needle, (rel) => rel.startsWith('identities')),
        [],
        `${when}: ${name} in the device folder`,
      );
      assert.deepEqual(
        filesContaining(bob.home, needle, (rel) => rel.startsWith('identities')),
        [],
        `${when}: ${name} in bob's device folder`,
      );
    }
    assert.ok(!fs.existsSync(keyCachePath(alice.home, projectId)), `${when}: we created the plaintext key cache`);
  }

  before(async () => {
    ensureCli();
    root = tempDir('kagi-hyg-');
    outside = tempDir('kagi-hyg-out-');
    alice = device('alice');
    bob = device('bob');
    const { project } = await initProject(root, alice, { envs: ['production'] });
    projectId = project.config().projectId;
    keyHex = Buffer.from((await project.key()).key).toString('hex');
    // The canary goes in through the CLI (stdin, argv and a description), as a person would.
    clean(
      await kagi(
        ['set', 'api', 'development', 'CANARY_STDIN', '--stdin', '--description', DESC],
        {},
        CANARY_LINE + '\n',
      ),
      'set --stdin',
      0,
    );
    clean(await kagi(['set', 'api', 'production', 'CANARY_ARGV', CANARY]), 'set argv', 0);
    clean(await kagi(['set', 'production', 'ROOT_CANARY', CANARY]), 'set root', 0);
    assertNoPlaintextOnDisk('after set');
  });

  after(() => {
    for (const d of [root, outside, alice.home, bob.home]) rmTree(d);
  });

  it('the values really are stored (so the checks below are not vacuous)', async () => {
    const r = await kagi(['get', 'api', 'development', 'CANARY_STDIN', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(CANARY));
    assert.ok((await kagi(['get', 'api', 'production', '--show', '--yes'])).stdout.includes(CANARY));
  });

  it('masked listings, status and help never show a value', async () => {
    clean(await kagi(['get']), 'get', 0);
    clean(await kagi(['get', 'api']), 'get api', 0);
    clean(await kagi(['status']), 'status', 0);
    clean(await kagi(['member', 'list']), 'member list', 0);
  });

  it('reveals without confirmation off a terminal', async () => {
    clean(await kagi(['get', 'api', 'development', 'CANARY_STDIN']), 'get KEY without --yes');
    clean(await kagi(['get', '--show']), 'get --show without --yes');
    clean(await kagi(['export', 'api', 'development']), 'export without --yes');
  });

  it('wrong project key (valid hex of another project)', async () => {
    const wrong = { KAGI_PROJECT_KEY: 'ab'.repeat(32) };
    for (const args of [
      ['get', '--show', '--yes'],
      ['get', 'api', 'development', 'CANARY_STDIN', '--yes'],
      ['export', 'api', 'development', '--yes'],
      ['run', 'api', 'development', 'node', '-e', 'console.log(process.env.CANARY_STDIN)'],
      ['set', 'api', 'development', 'K', CANARY],
    ]) {
      clean(await kagi(args, wrong), `wrong key: ${args.join(' ')}`);
    }
  });

  it('an invalid key variable is never echoed (the canary as KAGI_PROJECT_KEY or in KAGI_PROJECT_KEY_FILE)', async () => {
    clean(await kagi(['get', '--show', '--yes'], { KAGI_PROJECT_KEY: CANARY }), 'KAGI_PROJECT_KEY=canary');
    const keyFile = path.join(outside, 'ci.key');
    fs.writeFileSync(keyFile, `${CANARY}\n`);
    clean(
      await kagi(['get', '--show', '--yes'], { KAGI_PROJECT_KEY_FILE: keyFile }),
      'KAGI_PROJECT_KEY_FILE with the canary',
    );
  });

  it('a tampered store (flipped bit) and a store moved from another scope', async () => {
    const file = path.join(root, '.kagi', 'secrets', 'api', 'development.enc');
    const original = fs.readFileSync(file);
    try {
      const env = JSON.parse(original.toString());
      const ct = Buffer.from(env.ciphertext, 'base64');
      ct[5]! ^= 0x10;
      fs.writeFileSync(file, JSON.stringify({ ...env, ciphertext: ct.toString('base64') }, null, 2));
      clean(await kagi(['get', '--show', '--yes']), 'tampered: get --show');
      clean(await kagi(['export', 'api', 'development', '--yes']), 'tampered: export');
      clean(await kagi(['set', 'api', 'development', 'K', CANARY]), 'tampered: set');
      fs.copyFileSync(path.join(root, '.kagi', 'secrets', 'api', 'production.enc'), file);
      clean(await kagi(['get', 'api', 'development', '--show', '--yes']), 'moved store');
    } finally {
      fs.writeFileSync(file, original);
    }
    assertNoPlaintextOnDisk('after tampering');
  });

  it('bad .env files holding the canary: import fails, names the line, never quotes it, writes nothing', async () => {
    const cases: [string, string | Buffer][] = [
      ['unterminated double quote', `OK=1\nBAD="${CANARY}\nNEXT="x"\n`],
      ['unterminated single quote', `BAD='${CANARY}\n`],
      ['stray opening quote', `BAD="${CANARY}`],
      ['NUL byte', `A=${CANARY}\0tail\n`],
      ['binary', Buffer.concat([Buffer.from(`A=${CANARY}\n`), Buffer.from([0, 1, 2, 0xff, 0xfe])])],
      ['a 10 MB line', `A=${CANARY}${'x'.repeat(10 * 1024 * 1024)}\n`],
      ['__proto__ key', `__proto__=${CANARY}\n`],
    ];
    const before = fs.readFileSync(path.join(root, '.kagi', 'secrets', 'api', 'development.enc'));
    for (const [what, content] of cases) {
      const file = path.join(outside, `bad-${what.replace(/\W+/g, '-')}.env`);
      fs.writeFileSync(file, content);
      const r = await kagi(['import', 'api', 'development', '--file', file, '--force']);
      clean(r, `import ${what}`);
      assert.match(r.stderr, /kagi: error: .*bad-.*\.env/, `${what}: the error does not name the file`);
    }
    assert.deepEqual(
      fs.readFileSync(path.join(root, '.kagi', 'secrets', 'api', 'development.enc')),
      before,
      'a failed import wrote the store',
    );
    assertNoPlaintextOnDisk('after bad imports');
  });

  it('an import that would overwrite stops off a terminal, listing keys, not values', async () => {
    const file = path.join(outside, 'overwrite.env');
    fs.writeFileSync(file, `CANARY_ARGV=${CANARY}-new\n`);
    const r = await kagi(['import', 'api', 'production', '--file', file]);
    clean(r, 'import overwrite without --force', 0);
    assert.match(r.stdout + r.stderr, /CANARY_ARGV/);
  });

  it('a non-member device (pending, then unknown) gets nothing and echoes nothing', async () => {
    const bobEnv = { KAGI_HOME: bob.home, USER: 'bob' };
    clean(await kagi(['get', '--show', '--yes'], bobEnv), 'no identity: get');
    clean(await kagi(['member', 'request', '--name', 'bob'], bobEnv), 'member request', 0);
    clean(await kagi(['get', '--show', '--yes'], bobEnv), 'pending: get');
    clean(await kagi(['set', 'api', 'development', 'NEW', CANARY], bobEnv), 'pending: set');
    clean(await kagi(['run', 'api', 'development', 'node', '-e', '1'], bobEnv), 'pending: run');
    clean(await kagi(['export', 'api', 'development', '--yes'], bobEnv), 'pending: export');
  });

  it('conflicts, missing scopes, bad names, usage errors', async () => {
    clean(await kagi(['env', 'rename', 'development', 'production']), 'env rename onto an existing env');
    clean(await kagi(['get', 'nosuch', 'development', '--show', '--yes']), 'missing scope');
    clean(await kagi(['get', 'api', 'development', 'NOPE', '--yes']), 'missing key');
    clean(await kagi(['export', 'nosuch', 'development', '--yes']), 'export of a missing scope');
    clean(await kagi(['set', 'a', 'b', 'c', 'KEY', CANARY]), 'too many positionals');
    clean(await kagi(['set', 'api', 'development', '=', CANARY]), 'invalid key name');
    clean(await kagi(['set', 'api', 'dev/x', 'K', CANARY]), 'invalid env name');
    clean(await kagi(['set', 'api', 'development', 'K', CANARY, '--bogus']), 'unknown option');
    clean(await kagi(['set', 'api', 'development', 'K', CANARY], {}, undefined, outside), 'not a project');
    const accessFile = path.join(root, '.kagi', 'access.json');
    const access = fs.readFileSync(accessFile, 'utf8');
    try {
      fs.writeFileSync(accessFile, `<<<<<<< HEAD\n${access}\n=======\n${access}\n>>>>>>> other\n`);
      clean(await kagi(['get', '--show', '--yes']), 'access.json in conflict');
      clean(await kagi(['set', 'api', 'development', 'K', CANARY]), 'access.json in conflict: set');
    } finally {
      fs.writeFileSync(accessFile, access);
    }
  });

  it('run: a missing program, a failing program, a killed program: kagi prints no environment', async () => {
    const missing = await kagi(['run', 'api', 'development', 'definitely-not-a-program-kagi-xyz']);
    clean(missing, 'run of a missing program');
    const failing = await kagi(['run', 'api', 'development', 'node', '-e', 'process.exit(3)']);
    clean(failing, 'run of a failing program', 3);
    const killed = await kagi(['run', 'api', 'development', 'node', '-e', 'process.kill(process.pid, "SIGKILL")']);
    for (const text of [killed.stdout, killed.stderr])
      assert.ok(!text.includes(CANARY), 'run of a killed program leaks');
    assert.notEqual(killed.code, 0);
    // The secret reaches the child, and only through its environment.
    const ok = await kagi([
      'run',
      'api',
      'production',
      'node',
      '-e',
      'process.stdout.write(String(process.env.CANARY_ARGV === process.argv[1]))',
      CANARY,
    ]);
    assert.equal(ok.stdout, 'true', ok.stderr);
  });

  it('a rotation journal holds only ciphertext; the access snapshot holds no key', async () => {
    const bobM = await requestAccess(Project.open(root, { env: { KAGI_HOME: bob.home, USER: 'bob' } }), {
      name: 'bob2',
    });
    const project = Project.open(root, { env: env() });
    await approveMember(project, bobM.memberId);
    const plan = await planRotation(project, bobM.memberId);
    writeJournal(alice.home, plan.journal);
    const newHex = Buffer.from(plan.newKey).toString('hex');
    try {
      assertNoPlaintextOnDisk('with a journal on disk');
      assert.deepEqual(
        filesContaining(alice.home, newHex, (rel) => rel.startsWith('identities')),
        [],
        'the new key in the device folder',
      );
      clean(await kagi(['get']), 'get (replays the journal)', 0);
      keyHex = newHex;
      assertNoPlaintextOnDisk('after the replay');
      assert.deepEqual(filesContaining(path.join(root, '.kagi'), newHex), [], 'the new key in .kagi/');
    } finally {
      keyHex = newHex;
    }
  });

  it('at the end: no canary and no key outside the encrypted stores, anywhere', () => {
    assertNoPlaintextOnDisk('at the end');
    assert.ok(!fs.existsSync(path.join(root, '.kagi', '.lock')), 'a lock was left behind');
  });
});
