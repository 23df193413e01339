/**
 * Issue 16, "Faults": a full file system (ENOSPC) during set, import, rotation and file add.
 * The project sits on a small tmpfs that only `unshare -rm` (a private mount namespace, no
 * real privilege) can mount; enospc-run.ts does the mounting, filling and copying inside it.
 * Each: a clear error, the vault still opens while the disk is full, every value it had is
 * there, no temp file is left, and once space is freed the same command works.
 *
 * Where user namespaces or tmpfs mounts are not allowed the cases are marked pending with a
 * notice naming why (docs/security.md); they never pass without having run.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { approveMember, requestAccess } from '../../../src/vault/team/members';
import { Project } from '../../../src/vault/project/project';
import { addFile } from '../../../src/vault/usecases/files';
import { initProject } from '../../../src/vault/usecases/init';
import { setSecrets } from '../../../src/vault/usecases/secrets';
import { device, tempDir } from '../helpers';
import type { EnospcResult, EnospcSpec } from './enospc-run';
import { assertClearError, digest, tempFiles, vaultValues } from './faultKit';
import { REPO, rmTree } from './support';

const OP = path.join(__dirname, 'fault-op.ts');
const RUNNER = path.join(__dirname, 'enospc-run.ts');
const BIG = 'b'.repeat(20_000);
/** Two pages: room for the lock file, never for a store, journal or blob holding BIG. */
const FREE = 8192;
const SIZE = 4 * 1024 * 1024;

/** Why a tmpfs cannot be mounted here, or undefined when it can. */
function whyNoMount(): string | undefined {
  const dir = tempDir('kagi-enospc-probe-');
  try {
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs -o size=64k tmpfs '${dir}' && echo ok`], {
      encoding: 'utf8',
    });
    if (r.error) return `unshare is not installed (${(r.error as NodeJS.ErrnoException).code})`;
    return r.stdout.trim() === 'ok' ? undefined : `unshare -rm + mount -t tmpfs failed: ${r.stderr.trim()}`;
  } finally {
    rmTree(dir);
  }
}

describe('reliability: a full file system, ENOSPC (issue 16; unshare -rm + tmpfs)', function () {
  this.timeout(240_000);
  const unavailable = whyNoMount();
  let root: string;
  let out: string;
  let alice: ReturnType<typeof device>;
  let bobId: string;

  before(function () {
    if (unavailable) {
      console.warn(
        `\n!!!! ENOSPC fault tests NOT RUN (pending): ${unavailable}.\n` +
          '!!!! They need user namespaces and tmpfs mounts (unshare -rm); see docs/security.md.\n',
      );
    }
  });

  beforeEach(async function () {
    if (unavailable) this.skip();
    root = tempDir('kagi-enospc-');
    out = tempDir('kagi-enospc-out-');
    alice = device('alice');
    assert.equal(spawnSync('git', ['init', '-q', root]).status, 0);
    const bob = device('bob');
    await initProject(root, alice, { envs: ['production'] });
    const bobEntry = await requestAccess(Project.open(root, bob), { name: 'bob' });
    await approveMember(Project.open(root, alice), bobEntry.memberId);
    bobId = bobEntry.memberId;
    rmTree(bob.home);
    await setSecrets(Project.open(root, alice), 'api/development', [
      { key: 'BIG', value: BIG },
      { key: 'K', value: 'kept' },
    ]);
    await setSecrets(Project.open(root, alice), 'api/production', [{ key: 'P', value: 'prod' }]);
    fs.writeFileSync(path.join(root, 'a.pem'), 'alpha');
    await addFile(Project.open(root, alice), { scope: 'api/development', path: 'a.pem', cwd: root });
  });

  afterEach(() => {
    if (!unavailable) [root, out, alice.home].forEach(rmTree);
  });

  const fop = (...args: string[]) => [process.execPath, '--import', 'tsx', OP, args[0]!, root, ...args.slice(1)];

  /** Runs `args` (a fault-op) on the full tmpfs, then `retry` (by default the same) after freeing it. */
  function onFullDisk(args: string[], retry = args): EnospcResult {
    const spec: EnospcSpec = {
      root,
      size: SIZE,
      free: FREE,
      command: fop(...args),
      read: fop('read'),
      retry: fop(...retry),
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', KAGI_HOME: alice.home, USER: 'alice' },
      out,
    };
    fs.writeFileSync(path.join(out, 'spec.json'), JSON.stringify(spec));
    const r = spawnSync('unshare', ['-rm', process.execPath, '--import', 'tsx', RUNNER, path.join(out, 'spec.json')], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 200_000,
    });
    assert.equal(r.status, 0, `the runner failed: ${r.stderr}`);
    return JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8')) as EnospcResult;
  }

  /** The promises, checked on the copies the runner made of the tmpfs. */
  async function assertRecovered(r: EnospcResult, before: unknown): Promise<Record<string, Record<string, string>>> {
    assertClearError(r.fault, 'ENOSPC', [BIG.slice(0, 40), 'alpha']);
    assert.equal(r.read.code, 0, `the vault does not open on the full disk: ${r.read.stderr}`);
    const afterFault = path.join(out, 'after-fault');
    assert.deepEqual(await vaultValues(afterFault, alice), before, 'the vault lost or changed a value');
    assert.deepEqual(tempFiles(afterFault, alice.home), [], 'temp files left behind');
    assert.equal(r.retry.code, 0, `the next command failed once space was freed: ${r.retry.stderr}`);
    return vaultValues(path.join(out, 'after-retry'), alice);
  }

  it('set', async () => {
    const before = await vaultValues(root, alice);
    const after = await assertRecovered(onFullDisk(['set', 'api/development', 'NEW', 'x']), before);
    assert.equal(after['api/development']!.NEW, digest('x'));
    assert.equal(after['api/development']!.BIG, digest(BIG));
  });

  it('import', async () => {
    const before = await vaultValues(root, alice);
    const file = path.join(out, 'import.env');
    fs.writeFileSync(file, 'IMPORTED=1\nK=changed\n');
    const after = await assertRecovered(onFullDisk(['import', 'api/development', file]), before);
    assert.equal(after['api/development']!.IMPORTED, digest('1'));
    assert.equal(after['api/development']!.K, digest('changed'));
  });

  // A rotation stages every re-sealed file beside its target before it writes its journal
  // (docs/concurrency.md), so a full vault disk fails it before anything is certain: no journal,
  // the vault unchanged and still open, and the same rotation run again once space is freed
  // finishes it.
  it('rotation (member remove): the vault unchanged while the disk is full, the rotation finished once it is not', async () => {
    const before = await vaultValues(root, alice);
    const accessBefore = fs.readFileSync(path.join(root, '.kagi', 'access.json'), 'utf8');
    const r = onFullDisk(['rotate', bobId]);
    const after = await assertRecovered(r, before);
    assert.equal(
      fs.readFileSync(path.join(out, 'after-fault', '.kagi', 'access.json'), 'utf8'),
      accessBefore,
      'access.json is not touched while the stores cannot be written',
    );
    assert.deepEqual(after, before, 'the rotation keeps every value and file');
    const accessAfter = JSON.parse(fs.readFileSync(path.join(out, 'after-retry', '.kagi', 'access.json'), 'utf8')) as {
      members: { member_id: string; status: string }[];
    };
    assert.equal(accessAfter.members.find((m) => m.member_id === bobId)?.status, 'removed', 'bob is removed');
  });

  it('file add', async () => {
    const before = await vaultValues(root, alice);
    fs.writeFileSync(path.join(root, 'big.pem'), BIG);
    const after = await assertRecovered(onFullDisk(['file-add', 'api/development', 'big.pem']), before);
    assert.equal(after['files api/development']!['big.pem'], digest(BIG));
    assert.equal(after['files api/development']!['a.pem'], digest('alpha'));
  });
});
