/**
 * Issue 16, points 4, 5 and 7: each weak spot the attack found, through the real vault and
 * the built CLI. The corpus (corpus-bounds.ts) covers the same classes across every file;
 * these tests pin the exact scenarios of the issue.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { reportError } from '../../../src/cli/report';
import type { Io } from '../../../src/cli/io';
import { KagiError } from '../../../src/vault/errors';
import { approveMember, requestAccess } from '../../../src/vault/team/members';
import { Project } from '../../../src/vault/project/project';
import { removeMember } from '../../../src/vault/team/rotation';
import { removeEnv } from '../../../src/vault/usecases/environments';
import { initProject } from '../../../src/vault/usecases/init';
import { mergeEnv } from '../../../src/vault/usecases/processEnv';
import { readScopeEnv, readScopes, setSecrets } from '../../../src/vault/usecases/secrets';
import { device, tempDir } from '../helpers';
import { assertKagiError, CONTROL_CHARACTER, rmTree, runCli } from './support';

const CANARY = 'CANARY-weak-9c1d';

function captureIo(): Io & { text: () => string } {
  let text = '';
  return {
    out: (t) => (text += t),
    err: (t) => (text += t),
    outBytes: (b) => (text += Buffer.from(b).toString('utf8')),
    interactive: false,
    readStdin: async () => '',
    ask: async () => '',
    text: () => text,
  };
}

describe('reliability: the weak spots of issue 16', function () {
  this.timeout(60_000);
  let root: string;
  let alice: ReturnType<typeof device>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- hostile edits of arbitrary JSON
  const editJson = (rel: string, fn: (o: any) => void) => {
    const file = path.join(root, '.kagi', rel);
    const o = JSON.parse(fs.readFileSync(file, 'utf8'));
    fn(o);
    fs.writeFileSync(file, JSON.stringify(o, null, 2));
  };

  beforeEach(async () => {
    root = tempDir('kagi-weak-');
    alice = device('alice');
    await initProject(root, alice, { envs: ['production', 'staging'] });
    await setSecrets(Project.open(root, alice), 'api/production', [{ key: 'P', value: 'prod' }]);
  });
  afterEach(() => [root, alice.home].forEach(rmTree));

  it("env remove cannot delete another scope's store through an alias in kagi.json", async () => {
    editJson('kagi.json', (o) => {
      o.services['x/staging'] = { file: 'secrets/api/production.enc' };
    });
    await assert.rejects(
      async () => removeEnv(Project.open(root, alice), 'staging'),
      (e) => {
        assertKagiError(e, ['bad-config'], /scopes "api\/production" and "x\/staging" both name the file/);
        return true;
      },
    );
    assert.ok(fs.existsSync(path.join(root, '.kagi', 'secrets', 'api', 'production.enc')), 'the store was deleted');
  });

  it('an unknown field nested deep: kept under the limit, a clear bad-config over it (never a RangeError)', async () => {
    const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    const file = path.join(root, '.kagi', 'kagi.json');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace(/\n}$/, `,\n  "x_future": ${deep(120)}\n}`));
    await setSecrets(Project.open(root, alice), 'api/production', [{ key: 'Q', value: 'q' }]);
    assert.equal(JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')).x_future).length, deep(120).length);
    fs.writeFileSync(file, text.replace(/\n}$/, `,\n  "x_future": ${deep(100_000)}\n}`));
    await assert.rejects(
      async () => setSecrets(Project.open(root, alice), 'api/production', [{ key: 'Q', value: 'q' }]),
      (e) => {
        assertKagiError(e, ['bad-config'], /nests values more than 128 levels deep \(the limit\)/);
        return true;
      },
    );
  });

  it('an active member with a non-X25519 recipient: rotation names that member and how to fix it', async () => {
    const bob = device('bob');
    try {
      const bobEntry = await requestAccess(Project.open(root, bob), { name: 'bob' });
      await approveMember(Project.open(root, alice), bobEntry.memberId);
      const p = Project.open(root, alice);
      const access = p.access();
      const owner = access.members.find((m) => m.role === 'owner')!;
      access.members.push({
        ...owner,
        memberId: 'kgm_sshcarol0001',
        name: 'carol',
        role: 'member',
        recipient: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0aGlzIGlzIG5vdCBhIHJlYWwga2V5IGF0IGFsbA',
      });
      p.writeAccess(access);
      await assert.rejects(
        // carol's hand-written entry is first refused as unapproved (team/review.ts); once the owner
        // confirms it, the rotation must still stop on her recipient with a hint that fixes it.
        async () =>
          removeMember(Project.open(root, alice), bobEntry.memberId, undefined, { accept: ['kgm_sshcarol0001'] }),
        (e) => {
          assertKagiError(e, ['bad-access'], /member kgm_sshcarol0001 \(carol\): recipient .* is not an age X25519/);
          assert.match(e.hint!, /kagi member remove kgm_sshcarol0001/);
          assert.doesNotMatch(e.hint!, /kagi member request/);
          return true;
        },
      );
    } finally {
      rmTree(bob.home);
    }
  });

  it('control characters in names from files are escaped in every KagiError, and in the CLI', async () => {
    const e = new KagiError('bad-name', `scope api\u001b]52;c;cm0gLXJmIH4=\u0007x`, 'hint \u009b2J \u202e');
    assert.doesNotMatch(e.message, CONTROL_CHARACTER);
    assert.doesNotMatch(e.hint!, CONTROL_CHARACTER);
    assert.match(e.message, /api\\u001b\]52;c;cm0gLXJmIH4=\\u0007x/);
    editJson('kagi.json', (o) => {
      o.services['api\u001b[2J\u001b]52;c;Zm9v\u0007/staging'] = { file: 'secrets/api/production.enc' };
    });
    const r = await runCli(['get', '--yes'], { cwd: root, env: alice.env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /both name the file/);
    assert.doesNotMatch((r.stderr + r.stdout).replace(/\n/g, ''), CONTROL_CHARACTER);
  });

  it('no usage error quotes an argument: `set K --<value>` and friends, for every command', async () => {
    const r = await runCli(['set', 'api', 'K', `--${CANARY}`], { cwd: root, env: alice.env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown option/);
    assert.ok(!r.stderr.includes(CANARY), r.stderr);
    const commands = [
      'init',
      'status',
      'set',
      'get',
      'unset',
      'run',
      'import',
      'export',
      'sync',
      'env',
      'member',
      'doctor',
    ];
    for (const argv of [
      ...commands.map((c) => [c, `--${CANARY}`]),
      ...commands.map((c) => [c, `--${CANARY}=x`]),
      ['get', 'api', 'production', 'P', CANARY, 'extra'],
      ['env', CANARY],
      ['member', CANARY],
      [CANARY],
    ]) {
      const io = captureIo();
      const code = await main(argv, { cwd: root, host: alice, io });
      assert.equal(code, 1, `${argv.join(' ')}: ${io.text()}`);
      assert.ok(!io.text().includes(CANARY), `${argv[0]} echoes an argument: ${io.text()}`);
    }
  });

  it('a NUL in a value is refused (set --stdin, import), so `run` always works', async () => {
    const r = await runCli(['set', 'api', 'production', 'N', '--stdin'], {
      cwd: root,
      env: alice.env,
      input: `before\0${CANARY}`,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the value of N holds a NUL character/);
    assert.ok(!r.stderr.includes(CANARY));
    const envFile = path.join(root, 'nul.env');
    fs.writeFileSync(envFile, `N="a\0b"\n`);
    const i = await runCli(['import', 'api', 'production', '--file', envFile, '--force'], {
      cwd: root,
      env: alice.env,
    });
    assert.equal(i.code, 1, i.stderr);
    const run = await runCli(
      ['run', 'api', 'production', process.execPath, '-e', 'process.stdout.write(process.env.P)'],
      {
        cwd: root,
        env: alice.env,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'prod');
  });

  it('KAGI_DEBUG=1 prints where an internal error happened, never its message (which may quote a value)', () => {
    const io = captureIo();
    reportError(io, new TypeError(`cannot parse ${CANARY}`), true);
    assert.match(io.text(), /unexpected internal error \(TypeError\)/);
    assert.match(io.text(), /^\s+at /m);
    assert.ok(!io.text().includes(CANARY), io.text());
  });

  it('a key named __proto__ (or constructor) is an ordinary key: stored, read, exported to a process', async () => {
    await setSecrets(Project.open(root, alice), 'api/production', [
      { key: '__proto__', value: 'proto-value' },
      { key: 'constructor', value: 'ctor-value' },
    ]);
    const store = (await readScopes(Project.open(root, alice), ['api/production'])).get('api/production')!;
    assert.equal(store.secrets.get('__proto__')?.value, 'proto-value');
    assert.equal(store.secrets.get('constructor')?.value, 'ctor-value');
    // What run, tasks and launches read (no store built): the store's names and values, in its order.
    const direct = await readScopeEnv(Project.open(root, alice), 'api/production');
    assert.equal(Object.getPrototypeOf(direct), Object.prototype);
    assert.deepEqual(
      Object.entries(direct),
      [...store.secrets].map(([key, s]) => [key, s.value]),
    );
    assert.equal(Object.getOwnPropertyDescriptor(direct, '__proto__')?.value, 'proto-value');
    const env = mergeEnv({ PATH: '/bin' }, direct, { caseInsensitive: false });
    assert.ok(Object.prototype.hasOwnProperty.call(env, '__proto__'));
    assert.equal(Object.getOwnPropertyDescriptor(env, '__proto__')?.value, 'proto-value');
    assert.deepEqual(Object.keys(env).sort(), ['P', 'PATH', '__proto__', 'constructor']);
  });
});
