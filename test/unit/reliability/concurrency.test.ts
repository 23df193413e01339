/**
 * Issue 8, point 3: two processes setting different keys in the same scope, 200 times
 * each, lose nothing: the lock serializes the read-modify-writes and each re-reads the
 * store inside the lock (docs/concurrency.md).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initProject } from '../../../src/vault/usecases/init';
import { Project } from '../../../src/vault/project/project';
import { sealStore } from '../../../src/vault/crypto/seal';
import { readScopes, setSecrets } from '../../../src/vault/usecases/secrets';
import { device, tempDir } from '../helpers';
import { cleanEnv, rmTree, TEMP_FILE } from './support';

const WRITER = path.join(__dirname, 'writer.ts');
const PER_WRITER = 200;

function writer(
  root: string,
  home: string,
  scope: string,
  prefix: string,
  count: number,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, root, scope, prefix, String(count)], {
      cwd: path.resolve(__dirname, '..', '..', '..'),
      env: cleanEnv({ KAGI_HOME: home, USER: 'alice' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('reliability: concurrent writers', function () {
  this.timeout(150_000);

  it(`two processes × ${PER_WRITER} sets of different keys in one scope: all ${2 * PER_WRITER} keys survive`, async () => {
    const root = tempDir('kagi-conc-');
    const alice = device('alice');
    try {
      await initProject(root, alice, { envs: ['production'] });
      // A value that must survive too: written before, never touched by the writers.
      await setSecrets(Project.open(root, alice), 'api/production', [{ key: 'KEEP', value: 'kept' }]);
      const [a, b] = await Promise.all([
        writer(root, alice.home, 'api/production', 'A', PER_WRITER),
        writer(root, alice.home, 'api/production', 'B', PER_WRITER),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const store = (await readScopes(Project.open(root, alice), ['api/production'])).get('api/production')!;
      const missing: string[] = [];
      for (const p of ['A', 'B']) {
        for (let i = 0; i < PER_WRITER; i++) {
          if (store.secrets.get(`${p}_${i}`)?.value !== `${p} value ${i}`) missing.push(`${p}_${i}`);
        }
      }
      assert.deepEqual(missing, [], `${missing.length} lost updates`);
      assert.equal(store.secrets.get('KEEP')?.value, 'kept');
      assert.equal(store.secrets.size, 2 * PER_WRITER + 1);
      assert.deepEqual(Project.open(root, alice).scopes(), ['api/development', 'api/production']);
      assert.ok(!fs.existsSync(path.join(root, '.kagi', '.lock')), 'the lock was left behind');
      const leftovers = fs
        .readdirSync(path.join(root, '.kagi'), { recursive: true })
        .map(String)
        .filter((f) => TEMP_FILE.test(f));
      assert.deepEqual(leftovers, [], 'temp files left behind');
    } finally {
      rmTree(root);
      rmTree(alice.home);
    }
  });

  it('in one process, 50 concurrent sets through separate handles lose nothing either', async () => {
    const root = tempDir('kagi-conc-');
    const alice = device('alice');
    try {
      await initProject(root, alice);
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          setSecrets(Project.open(root, alice), 'development', [{ key: `K_${i}`, value: String(i) }]),
        ),
      );
      const store = (await readScopes(Project.open(root, alice))).get('development')!;
      assert.equal(store.secrets.size, 50);
    } finally {
      rmTree(root);
      rmTree(alice.home);
    }
  });

  it('a writer that ignores the lock and writes a stale copy (as the Rust CLI can) loses an update: the documented window', async () => {
    const root = tempDir('kagi-conc-');
    const alice = device('alice');
    try {
      await initProject(root, alice);
      await setSecrets(Project.open(root, alice), 'development', [{ key: 'BEFORE', value: '1' }]);
      // "Rust" reads kagi.json and the store…
      const rust = Project.open(root, alice);
      const cfg = rust.config();
      const { key } = await rust.key(cfg);
      const stale = rust.readScope(cfg, 'development', key);
      // …we write a key under the lock, re-reading inside it…
      await setSecrets(Project.open(root, alice), 'development', [{ key: 'OURS', value: 'x' }]);
      // …and "Rust" writes its stale copy back without looking at the lock.
      stale.secrets.set('RUST', { key: 'RUST', value: 'y', extra: {} });
      fs.writeFileSync(rust.file(cfg.services.development!.file), sealStore('development', stale, key));
      const store = (await readScopes(Project.open(root, alice))).get('development')!;
      assert.deepEqual(
        [...store.secrets.keys()].sort(),
        ['BEFORE', 'RUST'],
        'last writer wins: OURS is lost, as docs/concurrency.md says',
      );
    } finally {
      rmTree(root);
      rmTree(alice.home);
    }
  });
});
