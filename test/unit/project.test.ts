import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initProject } from '../../src/vault/usecases/init';
import { Project } from '../../src/vault/project/project';
import { readScopes, setSecrets, unsetSecrets } from '../../src/vault/usecases/secrets';
import { AtomicBatch, writeFilesAtomic } from '../../src/vault/disk/atomicBatch';
import { writeDotenvFile } from '../../src/vault/dotenv';
import { writeTemp } from '../../src/vault/disk/files';
import { journalPieces, serializeJournal, type Journal } from '../../src/vault/project/journal';
import { device, tempDir } from './helpers';

describe('project: init, set, read', () => {
  it('init writes kagi.json and access.json with this device as active owner', async () => {
    const root = tempDir();
    const alice = device('alice');
    const { project, owner } = await initProject(root, alice, { envs: ['staging', 'production'] });
    const cfg = project.config();
    assert.match(cfg.projectId, /^kgp_[A-Za-z0-9_-]{12}$/);
    assert.deepEqual(cfg.settings.envs, ['development', 'staging', 'production']);
    assert.equal(owner.role, 'owner');
    assert.match(owner.memberId, /^kgm_[A-Za-z0-9_-]{12}$/);
    const raw = fs.readFileSync(path.join(root, '.kagi', 'kagi.json'), 'utf8');
    assert.ok(!raw.endsWith('\n'));
    assert.equal(fs.statSync(path.join(root, '.kagi', 'access.json')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(alice.home, 'identities', 'default.agekey')).mode & 0o777, 0o600);
  });

  it('set pre-creates the service envs and round-trips values', async () => {
    const root = tempDir();
    const alice = device('alice');
    await initProject(root, alice, { envs: ['production'] });
    const project = Project.open(root, alice);
    const r = await setSecrets(project, 'api/production', [{ key: 'DB_URL', value: 'line1\nline2 "q" #' }]);
    assert.deepEqual(r.added, ['DB_URL']);
    assert.deepEqual(project.scopes(), ['api/development', 'api/production']);
    const all = await readScopes(Project.open(root, alice));
    assert.equal(all.get('api/production')!.secrets.get('DB_URL')!.value, 'line1\nline2 "q" #');
    assert.equal(all.get('api/development')!.secrets.size, 0);
    assert.deepEqual(await unsetSecrets(project, 'api/production', ['DB_URL', 'NOPE']), ['DB_URL']);
  });

  it('another device without membership gets a typed error naming the project', async () => {
    const root = tempDir();
    await initProject(root, device('alice'));
    const bob = device('bob');
    const project = Project.open(root, bob);
    await assert.rejects(readScopes(project), (e: Error & { code?: string }) => e.code === 'no-identity');
  });
});

describe('project: temp files of killed writers', () => {
  it('the next write of the same file removes them, and only them', async () => {
    const root = tempDir();
    const alice = device('alice');
    const { project } = await initProject(root, alice);
    await setSecrets(project, 'api/development', [{ key: 'A', value: '1' }]);
    const dir = path.join(root, '.kagi', 'secrets', 'api');
    const orphan = path.join(dir, '.development.enc.0123456789ab.tmp');
    const foreign = path.join(dir, '.development.enc.not-ours.tmp');
    fs.writeFileSync(orphan, 'half');
    fs.writeFileSync(foreign, 'x');
    await setSecrets(project, 'api/development', [{ key: 'B', value: '2' }]);
    assert.ok(!fs.existsSync(orphan));
    assert.ok(fs.existsSync(foreign));
    assert.deepEqual(project.scopes(), ['api/development']);
  });
});

describe('project: kagi.json rewrites', () => {
  /** A vault with one scope set, and the path of its kagi.json. */
  async function vaultWithOneScope(): Promise<{ project: Project; file: string }> {
    const root = tempDir();
    const { project } = await initProject(root, device('alice'));
    await setSecrets(project, 'api/development', [{ key: 'A', value: '1' }]);
    return { project, file: path.join(root, '.kagi', 'kagi.json') };
  }

  it('a set that changes only a store leaves kagi.json untouched; a new scope rewrites it', async () => {
    const { project, file } = await vaultWithOneScope();
    const before = fs.statSync(file, { bigint: true });
    await setSecrets(project, 'api/development', [{ key: 'B', value: '2' }]);
    const after = fs.statSync(file, { bigint: true });
    assert.equal(after.ino, before.ino, 'an atomic rewrite would replace the inode');
    assert.equal(after.mtimeNs, before.mtimeNs);
    await setSecrets(project, 'web/development', [{ key: 'C', value: '3' }]);
    assert.notEqual(fs.statSync(file, { bigint: true }).ino, before.ino);
    assert.deepEqual(project.scopes(), ['api/development', 'web/development']);
  });

  it('a set leaves a kagi.json laid out by another tool byte for byte', async () => {
    const { project, file } = await vaultWithOneScope();
    const theirs = `${JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), later: { x: 1 } }, null, 4)}\n`;
    fs.writeFileSync(file, theirs);
    await setSecrets(project, 'api/development', [{ key: 'B', value: '2' }]);
    assert.equal(fs.readFileSync(file, 'utf8'), theirs);
    await setSecrets(project, 'web/development', [{ key: 'C', value: '3' }]);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).later, { x: 1 }, 'a rewrite keeps unknown fields');
  });
});

describe('project: the parsed kagi.json, shared between reads', () => {
  it('is frozen; a transaction edits its own copy, which a failed transaction drops', async () => {
    const root = tempDir();
    const alice = device('alice');
    const { project } = await initProject(root, alice);
    const shared = project.config();
    assert.ok(Object.isFrozen(shared.settings.envs) && Object.isFrozen(shared.services));
    assert.throws(() => shared.settings.envs.push('qa'), TypeError);
    await assert.rejects(
      project.mutate(async (tx) => {
        tx.editConfig().settings.envs.push('qa');
        assert.ok(tx.config.settings.envs.includes('qa'), 'the transaction reads its own edit');
        throw new Error('stop');
      }),
      /stop/,
    );
    assert.equal(project.config(), shared, 'the text is unchanged, so is the parse');
    assert.ok(!project.config().settings.envs.includes('qa'));
  });

  it('follows the file: a teammate’s edit of the same size is read at once, by every handle', async () => {
    const root = tempDir();
    const alice = device('alice');
    const { project } = await initProject(root, alice);
    const file = path.join(root, '.kagi', 'kagi.json');
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(project.config().settings.envs.includes('development'));
    const stat = fs.statSync(file);
    fs.writeFileSync(file, text.replace('"development"', '"developmenu"'));
    fs.utimesSync(file, stat.atime, stat.mtime);
    assert.deepEqual(Project.open(root, alice).config().settings.envs, ['developmenu']);
    assert.deepEqual(project.config().settings.envs, ['developmenu']);
  });
});

describe('files: many atomic writes at once (AtomicBatch)', () => {
  it('writes every file 0600 in 0700 folders, removes orphan temps of its targets only, leaves no temp', async () => {
    const root = tempDir();
    const dir = path.join(root, 'a', 'b');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'x.enc'), 'old');
    fs.writeFileSync(path.join(dir, '.x.enc.00112233aabb.tmp'), 'orphan');
    fs.writeFileSync(path.join(dir, '.other.enc.00112233aabb.tmp'), 'not a target');
    await writeFilesAtomic([
      [path.join(dir, 'x.enc'), 'new x'],
      [path.join(root, 'c', 'y.enc'), 'new y'],
    ]);
    assert.equal(fs.readFileSync(path.join(dir, 'x.enc'), 'utf8'), 'new x');
    assert.equal(fs.readFileSync(path.join(root, 'c', 'y.enc'), 'utf8'), 'new y');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.other.enc.00112233aabb.tmp', 'x.enc']);
    assert.equal(fs.statSync(path.join(root, 'c', 'y.enc')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(root, 'c')).mode & 0o777, 0o700);
  });

  it('a failure before the renames leaves every target as it was', async () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'x.enc'), 'old');
    // A folder where a file must go: the second write fails.
    fs.mkdirSync(path.join(root, 'blocked'));
    fs.writeFileSync(path.join(root, 'blocked', 'f'), '');
    await assert.rejects(
      writeFilesAtomic([
        [path.join(root, 'x.enc'), 'new'],
        [path.join(root, 'blocked', 'f', 'z.enc'), 'z'],
      ]),
      (e: Error & { code?: string }) => e.code === 'io',
    );
    assert.equal(fs.readFileSync(path.join(root, 'x.enc'), 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(root).sort(), ['blocked', 'x.enc']);
  });

  it('staged files change nothing a reader sees until commit; discard leaves no trace; a re-staged file keeps one temp', async () => {
    const root = tempDir();
    const target = path.join(root, 'x.enc');
    fs.writeFileSync(target, 'old');
    const temps = () => fs.readdirSync(root).filter((n) => n.endsWith('.tmp'));
    const batch = new AtomicBatch();
    batch.add(target, 'new');
    await batch.ready();
    assert.equal(fs.readFileSync(target, 'utf8'), 'old');
    assert.equal(temps().length, 1);
    assert.equal(fs.readFileSync(path.join(root, temps()[0]!), 'utf8'), 'new');
    assert.equal(fs.statSync(path.join(root, temps()[0]!)).mode & 0o777, 0o600);
    batch.add(target, 'newer'); // replaces its own temp
    await batch.ready();
    assert.equal(temps().length, 1);
    assert.equal(fs.readFileSync(path.join(root, temps()[0]!), 'utf8'), 'newer');
    await batch.discard();
    assert.deepEqual(fs.readdirSync(root), ['x.enc']);
    assert.equal(fs.readFileSync(target, 'utf8'), 'old');

    // Discarded while its writes are still in flight: none of them is left behind.
    const inFlight = new AtomicBatch();
    for (let i = 0; i < 100; i++) inFlight.add(path.join(root, `g${i % 3}`, `f${i}.enc`), `v${i}`);
    await inFlight.discard();
    for (let i = 0; i < 3; i++) assert.deepEqual(fs.readdirSync(path.join(root, `g${i}`)), []);

    const second = new AtomicBatch();
    for (let i = 0; i < 100; i++) second.add(path.join(root, `d${i % 7}`, `f${i}.enc`), `v${i}`);
    await second.commit();
    await second.discard(); // a no-op once committed
    for (let i = 0; i < 100; i++)
      assert.equal(fs.readFileSync(path.join(root, `d${i % 7}`, `f${i}.enc`), 'utf8'), `v${i}`);
    assert.equal(
      fs
        .readdirSync(root, { recursive: true })
        .map(String)
        .filter((n) => n.endsWith('.tmp')).length,
      0,
    );
  });

  it('a text given as pieces is written as their UTF-8, characters intact across pieces and chunks', async () => {
    const root = tempDir();
    const target = path.join(root, 'j.json');
    // Over 64K characters, so it goes in several writes; two-byte, three-byte and surrogate-pair
    // characters at the ends of pieces.
    const pieces = Array.from({ length: 3000 }, (_, i) => `${'é€😀'.repeat(i % 5)}piece ${i} ${'x'.repeat(40)}😀`);
    await writeFilesAtomic([[target, pieces]]);
    assert.equal(fs.readFileSync(target, 'utf8'), pieces.join(''));
    assert.ok(pieces.join('').length > 2 * 64 * 1024);
  });
});

describe('rotation journal: written in pieces', () => {
  const journal = (artifacts: Record<string, string>): Journal => ({
    projectId: 'p-1',
    accessJson: '{\n  "members": ["Zoë \\"the\\" owner"]\n}',
    files: { 'secrets/web/b.enc': '{"v":"é\\n"}', 'secrets/api/a.enc': '{\n  "x": 1\n}' },
    artifacts,
  });
  /** What the journal always was: JSON.stringify of the object, maps sorted by path. */
  const reference = (j: Journal) => {
    const sorted = (o: Record<string, string>) =>
      Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    const out: Record<string, unknown> = {
      version: 1,
      project_id: j.projectId,
      access_json: j.accessJson,
      files: sorted(j.files),
    };
    if (Object.keys(j.artifacts).length > 0) out.artifacts = sorted(j.artifacts);
    return JSON.stringify(out, null, 2);
  };

  it('its pieces join to the JSON the journal always was, byte for byte', () => {
    for (const j of [journal({}), journal({ 'files/b.enc': 'B', 'files/a.enc': 'A' }), { ...journal({}), files: {} }]) {
      assert.equal(journalPieces(j).join(''), reference(j));
      assert.equal(serializeJournal(j), reference(j));
    }
    const j = journal({ 'files/a.enc': 'A' });
    const parsed = JSON.parse(serializeJournal(j));
    assert.deepEqual([parsed.access_json, parsed.files, parsed.artifacts], [j.accessJson, j.files, j.artifacts]);
  });
});

describe('files outside the vault', () => {
  it('an exported .env is 0600 (even replacing a 0644 file) and its folder keeps its mode', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, '.env.production');
    fs.writeFileSync(file, 'OLD=1\n', { mode: 0o644 });
    writeDotenvFile(file, 'A=1');
    assert.equal(fs.readFileSync(file, 'utf8'), 'A=1\n');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o755);
    assert.deepEqual(fs.readdirSync(dir), ['.env.production']);
  });

  it('the plaintext temp of a killed export is git-ignored by `.env.*` and removed by the next export of that file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.env.production.00112233aabb.tmp'), 'SECRET=half'); // as a killed export leaves it
    fs.writeFileSync(path.join(dir, '.env.staging.00112233aabb.tmp'), "another file's");
    const temp = path.basename(writeTemp(path.join(dir, '.env.production'), 'x', false, 0o600, 'outside'));
    assert.match(temp, /^\.env\.production\.[0-9a-f]{12}\.tmp$/); // under the `.env.*` line of .gitignore
    writeDotenvFile(path.join(dir, '.env.production'), 'A=1');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.env.production', '.env.staging.00112233aabb.tmp']);
  });
});

describe('project: the unwrapped key', () => {
  it('concurrent callers share one unwrap; a failed one is not kept', async () => {
    const root = tempDir();
    const alice = device('alice');
    await initProject(root, alice);
    const project = Project.open(root, alice);
    const [a, b] = [project.key(), project.key()];
    assert.equal(a, b, 'the second caller gets the in-flight promise');
    assert.equal((await a).source, 'device identity');
    const stranger = Project.open(root, device('stranger'));
    const failed = stranger.key();
    await assert.rejects(failed, (e: Error & { code?: string }) => e.code === 'no-identity');
    assert.notEqual(stranger.key(), failed, 'a failure is retried, not cached');
    await assert.rejects(stranger.key());
  });

  it('is kept while access.json reads the same, and resolved again once its text changes', async () => {
    const root = tempDir();
    const alice = device('alice');
    await initProject(root, alice);
    const project = Project.open(root, alice);
    const first = project.key();
    await first;
    assert.equal(project.key(), first, 'the same text: the cached key');
    const file = path.join(root, '.kagi', 'access.json');
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}\n`);
    const second = project.key();
    assert.notEqual(second, first, 'another text (here one more newline): the key is found again');
    assert.deepEqual((await second).key, (await first).key);
    assert.equal(project.key(), second);
  });
});
