/**
 * Issue 16, "Faults": a write that fails part-way, in CI without special privileges.
 * `prlimit --fsize` makes the kernel refuse a file past N bytes (EFBIG after a partial write);
 * a read-only folder gives EACCES (as root, the child runs without CAP_DAC_OVERRIDE, so the
 * folder's mode binds it as it binds everyone else). During set, import, rotation and export:
 * a clear error, the vault still opens with every value it had, no temp file left, and the next
 * command works. (`file add` and the merge driver: faults-files.test.ts and faults-git.test.ts;
 * a full file system: faults-enospc.test.ts.)
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { approveMember, requestAccess } from '../../../src/vault/team/members';
import { Project } from '../../../src/vault/project/project';
import { initProject } from '../../../src/vault/usecases/init';
import { readScopes, setSecrets } from '../../../src/vault/usecases/secrets';
import { device, tempDir } from '../helpers';
import { fsize as faultSize, tempFiles, unprivileged } from './faultKit';
import { rmTree } from './support';

const OP = path.join(__dirname, 'fault-op.ts');
const LIMIT = 8192;
/** Larger than LIMIT: every store holding it, and every journal, crosses the limit mid-write. */
const BIG = 'b'.repeat(20_000);

interface Vault {
  root: string;
  alice: ReturnType<typeof device>;
  bobId: string;
  out: string;
}

/** Runs fault-op.ts, wrapped by `prefix` (prlimit, setpriv). */
function op(prefix: string[], v: Vault, args: string[]): { code: number | null; stderr: string } {
  const cmd = [...prefix, process.execPath, '--import', 'tsx', OP, args[0]!, v.root, ...args.slice(1)];
  const r = spawnSync(cmd[0]!, cmd.slice(1), {
    env: { PATH: process.env.PATH, KAGI_HOME: v.alice.home, USER: 'alice' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr };
}

const fsize = faultSize(LIMIT);

async function values(v: Vault): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [scope, store] of await readScopes(Project.open(v.root, v.alice))) {
    out[scope] = Object.fromEntries([...store.secrets].map(([k, s]) => [k, s.value]));
  }
  return out;
}

describe('reliability: faults mid-write (issue 16)', function () {
  this.timeout(180_000);
  let v: Vault;

  beforeEach(async () => {
    const root = tempDir('kagi-fault-');
    const alice = device('alice');
    const bob = device('bob');
    await initProject(root, alice, { envs: ['production'] });
    const bobEntry = await requestAccess(Project.open(root, bob), { name: 'bob' });
    await approveMember(Project.open(root, alice), bobEntry.memberId);
    await setSecrets(Project.open(root, alice), 'api/development', [
      { key: 'BIG', value: BIG },
      { key: 'K', value: 'kept' },
    ]);
    await setSecrets(Project.open(root, alice), 'api/production', [{ key: 'P', value: 'prod' }]);
    rmTree(bob.home);
    v = { root, alice, bobId: bobEntry.memberId, out: tempDir('kagi-fault-out-') };
  });

  afterEach(() => {
    for (const d of [v.root, v.out]) fs.chmodSync(d, 0o700);
    fs.chmodSync(path.join(v.root, '.kagi', 'secrets'), 0o700);
    [v.root, v.alice.home, v.out].forEach(rmTree);
  });

  /** A clear error: what failed, on which file, why, and what to do; never a value. */
  function assertClearError(r: { code: number | null; stderr: string }, errno: string) {
    assert.equal(r.code, 1, `expected a failure: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^io: could not (write|create folder) .* \\(${errno}\\) — \\S`), r.stderr);
    assert.ok(!r.stderr.includes(BIG.slice(0, 40)), 'the error quotes a value');
  }

  /** The four promises after a failed write. */
  async function assertRecovered(r: { code: number | null; stderr: string }, errno: string, before: unknown) {
    assertClearError(r, errno);
    await assertIntact(before);
  }

  async function assertIntact(before: unknown) {
    assert.deepEqual(await values(v), before, 'the vault lost or changed a value');
    assert.deepEqual(tempFiles(v.root, v.alice.home, v.out), [], 'temp files left behind');
    // The next command works (and sees everything).
    await setSecrets(Project.open(v.root, v.alice), 'api/development', [{ key: 'AFTER', value: 'yes' }]);
    const after = await values(v);
    assert.equal(after['api/development']!.AFTER, 'yes');
    assert.equal(after['api/development']!.BIG, BIG);
  }

  it('set: EFBIG part-way through the store', async () => {
    const before = await values(v);
    await assertRecovered(op(fsize, v, ['set', 'api/development', 'NEW', 'x']), 'EFBIG', before);
  });

  it('import: EFBIG part-way through the store', async () => {
    const before = await values(v);
    const file = path.join(v.out, 'import.env');
    fs.writeFileSync(file, 'IMPORTED=1\nK=changed\n');
    await assertRecovered(op(fsize, v, ['import', 'api/development', file]), 'EFBIG', before);
  });

  it('rotation (member remove): EFBIG part-way through the journal; bob stays until a rotation succeeds', async () => {
    const before = await values(v);
    const accessBefore = fs.readFileSync(path.join(v.root, '.kagi', 'access.json'), 'utf8');
    await assertRecovered(op(fsize, v, ['rotate', v.bobId]), 'EFBIG', before);
    assert.equal(fs.readFileSync(path.join(v.root, '.kagi', 'access.json'), 'utf8'), accessBefore);
    const r = op([], v, ['rotate', v.bobId]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await values(v))['api/production'], before['api/production']);
  });

  it('export: EFBIG part-way through .env.development leaves no partial file and no temp', async () => {
    const before = await values(v);
    await assertRecovered(op(fsize, v, ['export', v.out]), 'EFBIG', before);
    assert.equal(fs.existsSync(path.join(v.out, '.env.development')), false, 'a partial export was left');
    const r = op([], v, ['export', v.out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(v.out, '.env.development'), 'utf8'), /^AFTER='yes'$/m);
  });

  it('export into a read-only folder: EACCES, nothing written', async () => {
    const before = await values(v);
    fs.chmodSync(v.out, 0o555);
    await assertRecovered(op(unprivileged, v, ['export', v.out]), 'EACCES', before);
    assert.deepEqual(fs.readdirSync(v.out), []);
  });

  it('set and import into a new service while .kagi/secrets is read-only: EACCES, kagi.json unchanged', async () => {
    const cfgBefore = fs.readFileSync(path.join(v.root, '.kagi', 'kagi.json'), 'utf8');
    const before = await values(v);
    fs.chmodSync(path.join(v.root, '.kagi', 'secrets'), 0o555);
    const file = path.join(v.out, 'import.env');
    fs.writeFileSync(file, 'IMPORTED=1\n');
    assertClearError(op(unprivileged, v, ['set', 'web/development', 'NEW', 'x']), 'EACCES');
    assertClearError(op(unprivileged, v, ['import', 'web/development', file]), 'EACCES');
    assert.equal(fs.readFileSync(path.join(v.root, '.kagi', 'kagi.json'), 'utf8'), cfgBefore);
    fs.chmodSync(path.join(v.root, '.kagi', 'secrets'), 0o700);
    await assertIntact(before);
  });
});
