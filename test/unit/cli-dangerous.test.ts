import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, hashEnvProgram, hashOf, kagi, kagiOk, kagiTty, type CliOptions } from './cli-harness';
import { device, tempDir } from './helpers';
import { Project } from '../../src/vault/project/project';
import { approveMember, requestAccess } from '../../src/vault/team/members';
import { dangerousNames, isDangerousName } from '../../src/vault/inject/dangerousNames';

const STARTUP = '/tmp/dangerous-canary-Hq4p.py';
const CHANGED = '/tmp/dangerous-canary-changed-Zr7.py';

async function team(): Promise<{ owner: CliOptions; bob: CliOptions }> {
  const owner = { cwd: tempDir('kagi-danger-'), home: device('owner').home, user: 'owner' };
  kagiOk(['init', '--envs', 'production', '--no-migrate'], owner);
  const bobHost = device('bob');
  const bob = await requestAccess(Project.open(owner.cwd, bobHost));
  await approveMember(Project.open(owner.cwd, { env: { KAGI_HOME: owner.home, USER: 'owner' } }), bob.memberId);
  return { owner, bob: { cwd: owner.cwd, home: bobHost.home, user: 'bob' } };
}

const probe = hashEnvProgram(['PYTHONSTARTUP']);

function assertNoValue(text: string): void {
  assert.ok(!text.includes(STARTUP) && !text.includes(CHANGED), 'a value reached the output');
}

describe('dangerous names: warned on set/import, asked before injecting what another device wrote', () => {
  before(ensureCliBuilt);

  it('the rule: loaders, interpreters and shells, any case; ordinary names are not', () => {
    for (const n of ['PATH', 'LD_PRELOAD', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'BASH_ENV', 'ENV', 'path']) {
      assert.ok(isDangerousName(n), n);
    }
    for (const n of ['PYTHONPATH', 'PYTHONSTARTUP', 'PERL5OPT', 'RUBYOPT', 'JAVA_TOOL_OPTIONS', 'GIT_SSH_COMMAND']) {
      assert.ok(isDangerousName(n), n);
    }
    for (const n of ['DATABASE_URL', 'API_KEY', 'ENVIRONMENT', 'NODE_ENV', 'PATHNAME', 'MY_PATH']) {
      assert.ok(!isDangerousName(n), n);
    }
    assert.deepEqual(dangerousNames(['B', 'PATH', 'LD_X', 'A']), ['LD_X', 'PATH']);
  });

  it('set warns by name; the writing device injects it without asking', async () => {
    const { owner } = await team();
    const set = kagiOk(['set', 'production', 'PYTHONSTARTUP', STARTUP], owner);
    assert.match(set.stderr, /warning: PYTHONSTARTUP in production changes how programs start/);
    const run = kagi(['run', 'production', ...probe], owner);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, hashOf([STARTUP]));
    assertNoValue(set.stdout + set.stderr + run.stderr);
  });

  it('another member off a terminal: refused, the program never starts, until --allow-dangerous NAME', async () => {
    const { owner, bob } = await team();
    kagiOk(['set', 'production', 'PYTHONSTARTUP', STARTUP], owner);
    const marker = path.join(tempDir('kagi-danger-marker-'), 'started');
    const refused = kagi(
      ['run', 'production', 'node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      bob,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing to inject PYTHONSTARTUP/);
    assert.match(refused.stderr, /--allow-dangerous PYTHONSTARTUP/);
    assert.ok(!fs.existsSync(marker), 'the program was started');
    assertNoValue(refused.stderr);
    const allowed = kagi(['run', '--allow-dangerous', 'PYTHONSTARTUP', 'production', ...probe], bob);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stdout, hashOf([STARTUP]));
    // approved on this device for this value: no question next time
    assert.equal(kagi(['run', 'production', ...probe], bob).code, 0);
    // a new value written by the owner is asked about again
    kagiOk(['set', 'production', 'PYTHONSTARTUP', CHANGED], owner);
    const again = kagi(['run', 'production', ...probe], bob);
    assert.equal(again.code, 1);
    assertNoValue(again.stderr);
  });

  it('another member on a terminal is asked: no stops, yes runs', async () => {
    const { owner, bob } = await team();
    kagiOk(['set', 'production', 'PYTHONSTARTUP', STARTUP], owner);
    const no = kagiTty(['run', 'production', ...probe], { ...bob, input: 'n\n' });
    assert.match(no.stdout, /Inject PYTHONSTARTUP into the program\?/);
    assert.ok(!no.stdout.includes(hashOf([STARTUP])));
    assert.notEqual(no.code, 0);
    const yes = kagiTty(['run', 'production', ...probe], { ...bob, input: 'y\n' });
    assert.ok(yes.stdout.includes(hashOf([STARTUP])), yes.stdout);
    assertNoValue(no.stdout + yes.stdout);
  });

  it('import warns by name for each dangerous key it writes', async () => {
    const { owner } = await team();
    const file = path.join(owner.cwd, 'in.env');
    fs.writeFileSync(file, `LD_PRELOAD=${STARTUP}\nAPI_URL=https://example.com\nPATH=${CHANGED}\n`);
    const r = kagiOk(['import', 'production', '--file', file], owner);
    assert.match(r.stderr, /warning: LD_PRELOAD, PATH in production change how programs start/);
    assert.ok(!r.stderr.includes('API_URL'));
    assertNoValue(r.stdout + r.stderr);
  });
});
