/**
 * Issue 8, point 4: hostile input. Every case of the corpus (corpus.ts + the hand-written
 * test/fixtures/hostile/) is dropped into a private copy of a valid project, then read
 * through the vault API (and written to, which must fail the same way), and a
 * representative subset through `node dist/cli.js get --show --yes`. Each must give a
 * typed KagiError with a useful message, never crash or hang, never change a file in
 * .kagi/ or the device folder, and never echo the canary.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { writeJournal } from '../../../src/vault/project/journal';
import { Project } from '../../../src/vault/project/project';
import { readScopes, setSecrets } from '../../../src/vault/usecases/secrets';
import type { HostEnv } from '../../../src/vault/device/dataDir';
import { tempDir } from '../helpers';
import * as dotenvModule from '../../../src/vault/dotenv';
import {
  buildCorpus,
  buildDotenvCorpus,
  CANARY,
  SCOPE,
  STORE as STORE_REL,
  type Content,
  type HostileCase,
} from './corpus';
import { buildValidProject, copyProject, type ValidProject } from './fixture';
import { assertKagiError, ensureCli, pool, rmTree, runCli, treeDigest, withTimeout } from './support';

/** A hang guard, not a speed check: generous enough for a starved CI machine. */
const CASE_TIMEOUT_MS = 15_000;

interface Prepared {
  root: string;
  home: string;
  host: HostEnv;
  digest: () => Record<string, string>;
  /** puts back what the case replaced (the work folder is reused by the next case) */
  restore: () => void;
}

let outsideFile: string;

function targetPath(root: string, home: string, target: string): string {
  const [where, rel] = target.split(/:(.*)/s) as [string, string];
  return path.join(where === 'vault' ? path.join(root, '.kagi') : home, ...rel.split('/'));
}

/** Applies a case to the project at `root` / device folder `home`. */
function prepareIn(root: string, home: string, c: HostileCase): Prepared {
  const host: HostEnv = { env: { KAGI_HOME: home, USER: 'alice' } };
  const saved: [string, Buffer | null][] = [];
  for (const [target, content] of Object.entries(c.files)) {
    const file = targetPath(root, home, target);
    saved.push([file, fs.existsSync(file) && fs.lstatSync(file).isFile() ? fs.readFileSync(file) : null]);
    place(file, content);
  }
  for (const [k, val] of Object.entries(c.env ?? {})) {
    host.env[k] = val.startsWith('@data/') ? path.join(home, val.slice('@data/'.length)) : val;
  }
  const digest = () => ({
    ...prefix('vault', treeDigest(path.join(root, '.kagi'))),
    ...prefix('data', treeDigest(home)),
  });
  const restore = () => {
    for (const [file, content] of saved.reverse()) place(file, content);
  };
  return { root, home, host, digest, restore };
}

/** A private copy per case (for cases run side by side). */
function prepare(v: ValidProject, c: HostileCase): Prepared {
  const { root, home } = copyProject(v);
  return prepareIn(root, home, c);
}

function prefix(p: string, o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p}:${k}`, v]));
}

function place(file: string, content: Content): void {
  fs.rmSync(file, { recursive: true, force: true });
  if (content === null) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (typeof content === 'string' || Buffer.isBuffer(content)) fs.writeFileSync(file, content);
  else if ('symlink' in content) fs.symlinkSync(content.symlink === '@outside' ? outsideFile : content.symlink, file);
  else if ('dir' in content) fs.mkdirSync(file);
  else if ('fifo' in content) execFileSync('mkfifo', [file]);
  else {
    const fd = fs.openSync(file, 'w');
    fs.ftruncateSync(fd, content.sparse);
    fs.closeSync(fd);
  }
}

/** Cases a write (set in api/development) may legitimately survive: the damage is in another scope. */
const WRITE_SURVIVES = ['hand-written: a __proto__ scope'];

async function attempt(fn: () => Promise<unknown>, what: string): Promise<unknown> {
  const started = Date.now();
  try {
    await withTimeout(fn(), CASE_TIMEOUT_MS, what);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    assert.ok(Date.now() - started < CASE_TIMEOUT_MS, `${what} took ${Date.now() - started} ms`);
  }
}

describe('reliability: hostile input (corpus through the vault API and the CLI)', function () {
  this.timeout(120_000);
  let valid: ValidProject;
  let corpus: HostileCase[];
  const scratch: string[] = [];

  before(async () => {
    valid = await buildValidProject();
    corpus = await buildCorpus(valid);
    const outsideDir = tempDir('kagi-outside-');
    outsideFile = path.join(outsideDir, 'not-a-store.txt');
    fs.writeFileSync(outsideFile, `this is not json: ${CANARY}\n`);
    scratch.push(outsideDir);
  });

  after(() => scratch.forEach(rmTree));

  it('has at least 500 cases, each with a unique name', () => {
    assert.ok(corpus.length >= 500, `only ${corpus.length} cases`);
    const names = new Set(corpus.map((c) => c.name));
    assert.equal(names.size, corpus.length, 'duplicate case names');
  });

  it('every case: typed error (or accepted), no crash, no hang, no file changed, no canary (vault API)', async () => {
    const failures: string[] = [];
    // One work folder, reset after each case (copying per case costs more than the cases).
    let work = copyProject(valid);
    const pristine = () => ({
      ...prefix('vault', treeDigest(path.join(work.root, '.kagi'))),
      ...prefix('data', treeDigest(work.home)),
    });
    const base = pristine();
    for (const c of corpus) {
      const p = prepareIn(work.root, work.home, c);
      try {
        const before = p.digest();
        const readErr = await attempt(() => readScopes(Project.open(p.root, p.host)), `${c.name} (read)`);
        if (c.expect === 'ok') {
          if (readErr !== undefined) throw new Error(`expected success, got ${explain(readErr)}`);
        } else {
          assertKagiError(readErr, c.expect.codes, c.expect.message, [CANARY]);
          const writeErr = await attempt(
            () => setSecrets(Project.open(p.root, p.host), SCOPE, [{ key: 'NEW', value: CANARY }]),
            `${c.name} (write)`,
          );
          if (!(writeErr === undefined && WRITE_SURVIVES.includes(c.name))) {
            assertKagiError(writeErr, c.expect.codes, /./, [CANARY]);
          }
        }
        if (!WRITE_SURVIVES.includes(c.name)) assert.deepEqual(p.digest(), before, 'files changed');
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split('\n').slice(0, 6).join('\n    ')}`);
      } finally {
        p.restore();
        if (!isDeepStrictEqual(pristine(), base)) {
          rmTree(work.root);
          rmTree(work.home);
          work = copyProject(valid);
        }
      }
    }
    rmTree(work.root);
    rmTree(work.home);
    assert.equal(
      failures.length,
      0,
      `${failures.length} of ${corpus.length} cases failed:\n  ${failures.join('\n  ')}`,
    );
  });

  it('scope names that are Object.prototype members are ordinary scopes (no TypeError)', async () => {
    const { root, home, host } = copyProject(valid);
    try {
      const names = [
        'constructor',
        'toString',
        '__proto__',
        'hasOwnProperty',
        'api/constructor',
        '__proto__/development',
      ];
      for (const scope of names) await setSecrets(Project.open(root, host), scope, [{ key: 'K', value: `v-${scope}` }]);
      const project = Project.open(root, host);
      for (const scope of names) assert.ok(project.scopes().includes(scope), `${scope} missing from kagi.json`);
      const all = await readScopes(project);
      for (const scope of names) assert.equal(all.get(scope)?.secrets.get('K')?.value, `v-${scope}`);
      await assert.rejects(
        readScopes(project, ['valueOf']),
        (e: Error & { code?: string }) => e.code === 'scope-not-found',
      );
    } finally {
      rmTree(root);
      rmTree(home);
    }
  });

  it('hostile .env files: parseDotenv refuses each as bad-dotenv naming the file and line, never quoting it', () => {
    const failures: string[] = [];
    for (const c of buildDotenvCorpus()) {
      const started = Date.now();
      try {
        let error: unknown;
        try {
          // Bytes are decoded as the CLI and the extension do (strict UTF-8 when the module offers it).
          const decode = (dotenvModule as { decodeDotenvFile?: (b: Uint8Array, f: string) => string }).decodeDotenvFile;
          const bytes = Buffer.from(c.content);
          const text = decode ? decode(bytes, 'hostile.env') : bytes.toString('utf8');
          dotenvModule.parseDotenv(text, 'hostile.env');
        } catch (e) {
          error = e;
        }
        if (c.message === undefined) {
          assert.equal(error, undefined, `expected success, got ${explain(error)}`);
        } else {
          assertKagiError(error, ['bad-dotenv'], c.message, [CANARY]);
          assert.match(error.message, /^hostile\.env\b/);
        }
        assert.ok(Date.now() - started < CASE_TIMEOUT_MS, `took ${Date.now() - started} ms`);
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    assert.equal(failures.length, 0, `${failures.length} .env cases failed:\n  ${failures.join('\n  ')}`);
  });

  it('hostile .env files through `kagi import --force`: exit 1, no canary, nothing written', async function () {
    this.timeout(120_000);
    ensureCli();
    const cases = buildDotenvCorpus().filter((c) => c.message !== undefined);
    const failures: string[] = [];
    await pool(cases, 2, async (c) => {
      const p = prepare(valid, { name: c.name, files: {}, expect: 'ok' });
      const envFile = path.join(p.root, 'hostile.env');
      try {
        fs.writeFileSync(envFile, c.content);
        const before = p.digest();
        const r = await runCli(['import', 'api', 'development', '--file', envFile, '--force'], {
          cwd: p.root,
          env: p.host.env,
          timeoutMs: 20_000,
        });
        assert.ok(!r.timedOut, 'the CLI hung');
        assert.equal(r.code, 1, `exit ${r.code}: ${r.stderr}`);
        assert.match(r.stderr, /^kagi: error: .*hostile\.env/);
        assert.match(r.stderr, c.message!);
        assert.ok(!r.stdout.includes(CANARY) && !r.stderr.includes(CANARY), 'the canary leaked');
        assert.deepEqual(p.digest(), before, 'files changed');
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split('\n').slice(0, 4).join(' | ')}`);
      } finally {
        rmTree(p.root);
        rmTree(p.home);
      }
    });
    assert.equal(failures.length, 0, `${failures.length} CLI .env cases failed:\n  ${failures.join('\n  ')}`);
  });

  it('a symlinked folder committed inside .kagi/ cannot redirect writes, chmods or deletes outside the vault', async () => {
    const layouts: [string, string][] = [
      ['secrets/api', 'api folder'],
      ['secrets', 'secrets folder'],
      ['files', 'files folder'],
    ];
    for (const [rel, what] of layouts) {
      const { root, home, host } = copyProject(valid);
      const outside = tempDir('kagi-outside-');
      fs.writeFileSync(path.join(outside, 'production.enc'), 'victim');
      fs.mkdirSync(path.join(outside, 'api'));
      fs.writeFileSync(path.join(outside, 'api', 'production.enc'), 'victim');
      fs.chmodSync(outside, 0o755);
      const outsideBefore = treeDigest(outside);
      try {
        const link = path.join(root, '.kagi', ...rel.split('/'));
        fs.rmSync(link, { recursive: true, force: true });
        fs.symlinkSync(outside, link);
        const before = {
          ...prefix('vault', treeDigest(path.join(root, '.kagi'))),
          ...prefix('data', treeDigest(home)),
        };
        const refused = (e: unknown) => {
          assertKagiError(e, ['bad-store'], /is a symbolic link/);
          return true;
        };
        if (rel !== 'files') {
          await assert.rejects(
            setSecrets(Project.open(root, host), 'api/production', [{ key: 'X', value: CANARY }]),
            refused,
            `${what}: set`,
          );
          await assert.rejects(readScopes(Project.open(root, host)), refused, `${what}: read`);
        }
        // A rotation journal replayed through the link is refused before its first write.
        const p = Project.open(root, host);
        const journal = {
          projectId: valid.projectId,
          accessJson: valid.vault['access.json']!.toString(),
          files: { [STORE_REL]: valid.vault[STORE_REL]!.toString() },
          artifacts: {} as Record<string, string>,
        };
        if (rel === 'files') journal.artifacts['files/index.enc'] = valid.vault[STORE_REL]!.toString();
        writeJournal(home, journal);
        const withJournal = { ...before, ...prefix('data', treeDigest(home)) };
        await assert.rejects(p.recover(), refused, `${what}: journal replay`);
        assert.deepEqual(
          { ...prefix('vault', treeDigest(path.join(root, '.kagi'))), ...prefix('data', treeDigest(home)) },
          withJournal,
          `${what}: vault changed`,
        );
        assert.deepEqual(treeDigest(outside), outsideBefore, `${what}: files outside the vault changed`);
        assert.equal(fs.statSync(outside).mode & 0o777, 0o755, `${what}: the outside folder was chmodded`);
        if (rel !== 'files') {
          fs.rmSync(path.join(home, 'projects', `${valid.projectId}.rotation.json`));
          const r = await runCli(['set', 'api', 'production', 'X', CANARY], { cwd: root, env: host.env });
          assert.equal(r.code, 1, `${what}: CLI set: ${r.stderr}`);
          assert.match(r.stderr, /is a symbolic link/);
          assert.deepEqual(treeDigest(outside), outsideBefore, `${what}: the CLI wrote outside the vault`);
        }
      } finally {
        [root, home, outside].forEach(rmTree);
      }
    }
  });

  it('a representative subset through `kagi get --show --yes`: exit 1, `kagi: error:`, no canary, no file changed', async function () {
    this.timeout(180_000);
    ensureCli();
    // Every hand-written case, a few `ok` ones, and every 13th generated one (each kind of file is hit).
    // A process environment cannot hold NUL: those cases reach the vault API only.
    const spawnable = (c: HostileCase) => !Object.values(c.env ?? {}).some((v) => v.includes('\0'));
    const subset = corpus.filter(
      (c, i) =>
        spawnable(c) &&
        (c.name.startsWith('hand-written') ||
          c.name.startsWith('special:') ||
          (c.expect === 'ok' ? i % 5 === 0 : i % 13 === 0)),
    );
    assert.ok(subset.length >= 40, `subset has ${subset.length} cases`);
    const failures: string[] = [];
    await pool(subset, 2, async (c) => {
      const p = prepare(valid, c);
      try {
        const before = p.digest();
        const r = await runCli(['get', '--show', '--yes'], { cwd: p.root, env: p.host.env, timeoutMs: 15_000 });
        assert.ok(!r.timedOut, 'the CLI hung');
        assert.ok(!r.stderr.includes('unexpected internal error'), `crash: ${r.stderr}`);
        if (c.expect === 'ok') {
          assert.equal(r.code, 0, `expected success: ${r.stderr}`);
        } else {
          assert.equal(r.code, 1, `exit ${r.code}: ${r.stderr}`);
          assert.match(r.stderr, /^kagi: error: /);
          assert.match(r.stderr, c.expect.message);
          assert.ok(!r.stdout.includes(CANARY) && !r.stderr.includes(CANARY), 'the canary leaked');
        }
        assert.deepEqual(p.digest(), before, 'files changed');
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split('\n').slice(0, 6).join('\n    ')}`);
      } finally {
        rmTree(p.root);
        rmTree(p.home);
      }
    });
    assert.equal(
      failures.length,
      0,
      `${failures.length} of ${subset.length} CLI cases failed:\n  ${failures.join('\n  ')}`,
    );
  });
});

function explain(e: unknown): string {
  return e instanceof Error
    ? `${e.name}${(e as { code?: string }).code ? ` ${(e as { code?: string }).code}` : ''}: ${e.message}`
    : String(e);
}
