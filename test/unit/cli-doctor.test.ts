import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, kagi, kagiOk, type CliOptions } from './cli-harness';
import { device, tempDir } from './helpers';
import { Project } from '../../src/vault/project/project';
import { approveMember, requestAccess } from '../../src/vault/team/members';
import { planRotation } from '../../src/vault/team/rotation';
import { writeJournal } from '../../src/vault/project/journal';
import { journalPath } from '../../src/vault/device/dataDir';

const SECRET = 'doctor-canary-9d2f';

function vault(): CliOptions {
  const v = { cwd: tempDir('kagi-doctor-'), home: device('owner').home };
  kagiOk(['init', '--envs', 'production', '--no-migrate'], v);
  kagiOk(['set', 'api', 'production', 'K', SECRET], v);
  return v;
}

describe('cli: doctor (docs/format.md §11.1)', () => {
  before(ensureCliBuilt);

  it('a healthy vault: every check ok, exit 0', () => {
    const r = kagi(['doctor'], vault());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const name of ['kagi.json', 'access.json', 'secrets/', 'rotation', 'temp files', 'key', 'stores', 'files/']) {
      assert.match(r.stdout, new RegExp(`^ok\\s+${name.replace('.', '\\.').replace('/', '\\/')}`, 'm'));
    }
    assert.match(r.stdout, /all 2 scope\(s\) decrypt/);
  });

  it('a tampered store: exit 2, names the scope and what to do, never the value', () => {
    const v = vault();
    const file = path.join(v.cwd, '.kagi', 'secrets', 'api', 'production.enc');
    const env = JSON.parse(fs.readFileSync(file, 'utf8'));
    env.tag = Buffer.alloc(16, 7).toString('base64');
    fs.writeFileSync(file, JSON.stringify(env));
    const r = kagi(['doctor'], v);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^error\s+stores\s+1 scope\(s\) do not decrypt: api\/production/m);
    assert.match(r.stdout, /hint: restore it from Git/);
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
  });

  it('an interrupted rotation: reported (exit 2); --fix off a terminal needs --yes; --fix --yes finishes it', async () => {
    const v = vault();
    const owner = { env: { KAGI_HOME: v.home, USER: 'owner' } };
    const bob = await requestAccess(Project.open(v.cwd, device('bob')));
    await approveMember(Project.open(v.cwd, owner), bob.memberId);
    const project = Project.open(v.cwd, owner);
    const plan = await planRotation(project, bob.memberId);
    writeJournal(project.dataDir, plan.journal); // as if killed right after the journal
    const before = kagi(['doctor'], v);
    assert.equal(before.code, 2);
    assert.match(before.stdout, /^error\s+rotation\s+an interrupted key rotation is pending/m);
    assert.match(before.stdout, /hint: run `kagi doctor --fix`/);
    const refused = kagi(['doctor', '--fix'], v);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /requires confirmation/);
    assert.ok(fs.existsSync(journalPath(v.home, project.projectId())));
    const fixed = kagi(['doctor', '--fix', '--yes'], v);
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.match(fixed.stdout, /finished the interrupted key rotation/);
    assert.ok(!fs.existsSync(journalPath(v.home, project.projectId())));
    assert.equal(kagiOk(['get', '--yes', 'api', 'production', 'K'], v).stdout.trim(), SECRET);
  });

  it('temp files a killed write left: a warning (exit 1) naming them; --fix --yes deletes only them', () => {
    const v = vault();
    const dir = path.join(v.cwd, '.kagi', 'secrets', 'api');
    const temps = ['.production.enc.00112233aabb.tmp', '.staging.enc.a1b2c3d4e5f6.tmp'];
    for (const t of temps) fs.writeFileSync(path.join(dir, t), '{"partial":');
    fs.writeFileSync(path.join(dir, 'notes.tmp'), 'not ours'); // not a temp name of ours: left alone
    const before = kagi(['doctor'], v);
    assert.equal(before.code, 1, before.stdout);
    assert.match(
      before.stdout,
      /^warn\s+temp files\s+2 left by an interrupted write: \.kagi\/secrets\/api\/\.production\.enc\.00112233aabb\.tmp/m,
    );
    assert.equal(kagi(['doctor', '--fix'], v).code, 1, 'needs --yes off a terminal');
    assert.ok(fs.existsSync(path.join(dir, temps[0]!)));
    const fixed = kagi(['doctor', '--fix', '--yes'], v);
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.match(fixed.stdout, /deleted 2 temp file\(s\)/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['development.enc', 'notes.tmp', 'production.enc']);
    assert.equal(kagiOk(['get', '--yes', 'api', 'production', 'K'], v).stdout.trim(), SECRET);
  });

  it('temp files: links inside .kagi/ are never followed (no loop, nothing outside listed or deleted)', () => {
    const v = vault();
    const outside = tempDir('kagi-doctor-outside-');
    const foreign = path.join(outside, '.notes.enc.00112233aabb.tmp');
    fs.writeFileSync(foreign, 'not ours');
    fs.symlinkSync('.', path.join(v.cwd, '.kagi', 'loop-a'));
    fs.symlinkSync('.', path.join(v.cwd, '.kagi', 'loop-b'));
    fs.symlinkSync(outside, path.join(v.cwd, '.kagi', 'secrets', 'elsewhere'));
    fs.writeFileSync(path.join(v.cwd, '.kagi', 'secrets', '.api.enc.a1b2c3d4e5f6.tmp'), '{');
    const r = kagi(['doctor'], v);
    assert.match(
      r.stdout,
      /^warn\s+temp files\s+1 left by an interrupted write: \.kagi\/secrets\/\.api\.enc\.a1b2c3d4e5f6\.tmp$/m,
    );
    const fixed = kagi(['doctor', '--fix', '--yes'], v);
    assert.match(fixed.stdout, /deleted 1 temp file\(s\)/);
    assert.ok(fs.existsSync(foreign), 'a file outside the vault was deleted');
  });

  it('a device that is not a member: the key check fails with what to do', () => {
    const v = vault();
    const r = kagi(['doctor'], { ...v, home: device('stranger').home });
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^error\s+key\s+this device has no kagi identity yet/m);
    assert.match(r.stdout, /hint: run `kagi member request`/);
  });
});
