// The V8 code cache loader (scripts/bundle/code-cache.cjs) with real files and real Node child
// processes: a small bundle behind a stub, as scripts/build.mjs lays out dist/. What the loader
// did is read from its trace file (KAGI_CODE_CACHE_TRACE), never from timings; every run's
// output is compared with a run that has the cache turned off.
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from './helpers';
import { CLI, ensureCliBuilt } from './cli-harness';

const REPO = path.resolve(__dirname, '..', '..');
const LOADER = path.join(REPO, 'scripts', 'bundle', 'code-cache.cjs');
const { cacheDir, CACHE_RUNS } = createRequire(__filename)(LOADER) as {
  cacheDir(env: Record<string, string | undefined>, platform: string, home: string): string | undefined;
  CACHE_RUNS: number;
};
/** Where a cache file keeps the count of the runs that wrote it: after the magic and the key. */
const RUNS_AT = 16 + 32;
/** A run that found a young cache: it uses it, and writes it again with what it compiled. */
const GROWING = ['hit', 'written'];
const OTHER_UID = 65534;

/** Lines 1 and 4 of the bundle make the errors whose first stack frames the program prints. */
const FIRST_LINE = `'use strict'; const early = () => new Error('early');`;
const BODY = `${FIRST_LINE}
const helper = require('./helper.js');
function where() {
  return new Error('where');
}
${Array.from({ length: 300 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i % 7} - helper.base(${i}); }`).join('\n')}
function total() {
  let t = 0;
  ${Array.from({ length: 300 }, (_, i) => `t += f${i}(${i});`).join('\n  ')}
  return t;
}
module.exports = { total, answer: 42 };
if (require.main === module) {
  const frames = [early(), where()].map((e) => e.stack.split('\\n')[1].trim());
  process.stdout.write(JSON.stringify({ filename: __filename, dirname: __dirname, helper: helper.name, frames, total: total() }));
}
`;
const HELPER = `module.exports = { name: 'helper', base: (i) => i % 3 };\n`;

async function makeDist(body = BODY): Promise<string> {
  const href = pathToFileURL(path.join(REPO, 'scripts', 'bundle', 'code-cache-entries.mjs')).href;
  const { stubSource } = (await import(href)) as { stubSource(entry: string): string };
  const dist = path.join(tempDir('kagi-cc-dist-'), 'dist');
  fs.mkdirSync(dist);
  fs.copyFileSync(LOADER, path.join(dist, 'code-cache.js'));
  fs.writeFileSync(path.join(dist, 'app.js'), stubSource('app.js'));
  fs.writeFileSync(path.join(dist, 'app.bundle.js'), body);
  fs.writeFileSync(path.join(dist, 'helper.js'), HELPER);
  return dist;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** the loader's events for app.bundle, in order */
  events: string[];
}

/** A per-test home: its own cache folder and trace file. */
function makeHome(): { home: string; cache: string; trace: string } {
  const home = tempDir('kagi-cc-home-');
  return { home, cache: path.join(home, '.cache', 'kagi'), trace: path.join(home, 'trace') };
}

function run(
  program: string,
  home: ReturnType<typeof makeHome>,
  env: Record<string, string> = {},
  opts: SpawnSyncOptions = {},
): Run {
  fs.rmSync(home.trace, { force: true });
  const r = spawnSync(process.execPath, [program], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home.home, KAGI_CODE_CACHE_TRACE: home.trace, ...env },
    encoding: 'utf8',
    timeout: 30_000,
    ...opts,
  });
  const trace = fs.existsSync(home.trace) ? fs.readFileSync(home.trace, 'utf8') : '';
  const events = trace
    .split('\n')
    .filter((l) => l.startsWith('app.bundle '))
    .map((l) => l.slice('app.bundle '.length));
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr), events };
}

const cacheFiles = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.v8cache')) : [];

describe('V8 code cache loader (scripts/bundle/code-cache.cjs)', function () {
  this.timeout(60_000);
  let dist: string;
  let app: string;
  let expected: string;

  before(async () => {
    dist = await makeDist();
    app = path.join(dist, 'app.js');
    const plain = run(app, makeHome(), { KAGI_NO_CODE_CACHE: '1' });
    assert.equal(plain.status, 0, plain.stderr);
    assert.deepEqual(plain.events, ['disabled']);
    expected = plain.stdout;
  });

  /** A run that must behave exactly as the program without a cache: same output, nothing on stderr. */
  function runOk(home: ReturnType<typeof makeHome>, env?: Record<string, string>, opts?: SpawnSyncOptions): string[] {
    const r = run(app, home, env, opts);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, expected);
    return r.events;
  }

  /** Replaces the one cache file with what `edit` makes of its bytes. */
  function editCache(dir: string, edit: (bytes: Buffer) => Buffer): string {
    const [name] = cacheFiles(dir);
    assert.ok(name, 'a cache file to edit');
    const file = path.join(dir, name);
    fs.writeFileSync(file, edit(fs.readFileSync(file)));
    return file;
  }

  it('runs the bundle as CommonJS: exports, require from dist/, require.main, its own file name in stack traces', () => {
    const out = JSON.parse(expected) as { filename: string; dirname: string; helper: string; frames: string[] };
    assert.equal(out.filename, path.join(dist, 'app.bundle.js'));
    assert.equal(out.dirname, dist);
    assert.equal(out.helper, 'helper');
    // The bundle file's own lines and columns: the wrapper shifts neither, not even on line 1.
    const at = (line: number, column: number) => `${out.filename}:${line}:${column}`;
    const firstColumn = FIRST_LINE.indexOf('new Error') + 1;
    assert.deepEqual(
      out.frames.map((f) => f.replace(/^at (\S+ \()?/, '').replace(/\)$/, '')),
      [at(1, firstColumn), at(4, 10)],
    );
    const exported = spawnSync(process.execPath, ['-p', `JSON.stringify(require(${JSON.stringify(app)}))`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, KAGI_NO_CODE_CACHE: '1' },
    });
    assert.equal(exported.stdout.trim(), JSON.stringify({ answer: 42 }), exported.stderr);
  });

  it('writes the cache after the first run (folder 0700, file 0600) and uses it on the next ones', () => {
    const home = makeHome();
    assert.deepEqual(runOk(home), ['miss', 'written']);
    assert.equal(fs.statSync(home.cache).mode & 0o777, 0o700);
    const files = cacheFiles(home.cache);
    assert.equal(files.length, 1);
    assert.equal(fs.statSync(path.join(home.cache, files[0]!)).mode & 0o777, 0o600);
    for (let i = 1; i < CACHE_RUNS; i++) assert.deepEqual(runOk(home), GROWING);
    assert.deepEqual(runOk(home), ['hit']);
    assert.deepEqual(runOk(home), ['hit']);
  });

  it('keeps its events in memory too (traceEvents: what the bench probe reads), with no trace file set', () => {
    const home = makeHome();
    // A program that loads the stub, then prints what the loader it used recorded.
    const probe = path.join(dist, 'probe-events.js');
    fs.writeFileSync(
      probe,
      `require('./app.js'); process.stdout.write(JSON.stringify(require('./code-cache.js').traceEvents()));`,
    );
    const events = (env: Record<string, string>) => {
      const r = run(probe, home, env);
      assert.equal(r.status, 0, r.stderr);
      return { memory: JSON.parse(r.stdout) as string[], file: r.events };
    };
    const first = events({});
    assert.deepEqual(first.memory, ['app.bundle miss']);
    assert.deepEqual(first.file, ['miss', 'written']); // written after the program's own output
    // No KAGI_CODE_CACHE_TRACE: nothing is written anywhere, the events are still kept.
    const later = events({ KAGI_CODE_CACHE_TRACE: '' });
    assert.deepEqual(later.memory, ['app.bundle hit']);
    assert.deepEqual(later.file, []);
    assert.ok(!fs.existsSync(home.trace));
  });

  it(`the first ${CACHE_RUNS} runs each write the cache with what they compiled added; later runs write nothing`, async () => {
    // Two halves of the program, chosen by an environment variable: a first run compiles one of
    // them, a later run the other. V8 serializes what the process compiled, so the rewrite holds both.
    const half = (name: string) =>
      Array.from({ length: 200 }, (_, i) => `function ${name}${i}(x) { return x * ${i} + '${name}'.length; }`).join(
        '\n',
      );
    const calls = (name: string) => Array.from({ length: 200 }, (_, i) => `t += ${name}${i}(${i});`).join(' ');
    const body = `${half('a')}\n${half('b')}\nlet t = 0;\nif (process.env.HALF === 'b') { ${calls('b')} } else { ${calls('a')} }\nprocess.stdout.write(String(t));\n`;
    const halves = path.join(await makeDist(body), 'app.js');
    const home = makeHome();
    const cacheOf = () => {
      const [name] = cacheFiles(home.cache);
      return fs.readFileSync(path.join(home.cache, name!));
    };
    const runHalf = (h: string) => {
      const r = run(halves, home, { HALF: h });
      assert.equal(r.status, 0, r.stderr);
      return r.events;
    };
    assert.deepEqual(runHalf('a'), ['miss', 'written']);
    const first = cacheOf();
    assert.equal(first[RUNS_AT], 1);
    assert.deepEqual(runHalf('b'), GROWING);
    const second = cacheOf();
    assert.equal(second[RUNS_AT], 2);
    // The b half's 200 functions join a's: the cache grows by about as much as a's half made it.
    assert.ok(second.length > first.length * 1.4, `the cache grew from ${first.length} to ${second.length} bytes`);
    for (let i = 2; i < CACHE_RUNS; i++) assert.deepEqual(runHalf('a'), GROWING);
    const last = cacheOf();
    assert.equal(last[RUNS_AT], CACHE_RUNS);
    assert.ok(last.length >= second.length, 'a later write keeps what an earlier one held');
    assert.deepEqual(runHalf('b'), ['hit']);
    assert.deepEqual(runHalf('a'), ['hit']);
    assert.ok(cacheOf().equals(last), 'the cache is not written again');
  });

  it('a bundle that is not ASCII is read as UTF-8, from the cache too; an ASCII one as the same text', async () => {
    // The loader decodes an ASCII bundle (what esbuild writes) as Latin-1; anything else must
    // still come out as the UTF-8 text it is, not as its bytes one by one.
    const text = 'caf\u00e9 \u2192 \u2713 \u{1F511}';
    for (const literal of [
      JSON.stringify(text),
      `'${text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)}'`,
    ]) {
      const utf8 = path.join(await makeDist(`process.stdout.write(${literal});\n`), 'app.js');
      const home = makeHome();
      for (const events of [['miss', 'written'], GROWING]) {
        const r = run(utf8, home);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, text);
        assert.deepEqual(r.events, events);
      }
    }
  });

  it('KAGI_NO_CODE_CACHE=1 reads and writes nothing', () => {
    const home = makeHome();
    assert.deepEqual(runOk(home, { KAGI_NO_CODE_CACHE: '1' }), ['disabled']);
    assert.equal(fs.existsSync(path.join(home.home, '.cache')), false);
  });

  it('honours an absolute XDG_CACHE_HOME and ignores a relative one', () => {
    const home = makeHome();
    const xdg = path.join(home.home, 'xdg');
    assert.deepEqual(runOk(home, { XDG_CACHE_HOME: xdg }), ['miss', 'written']);
    assert.equal(cacheFiles(path.join(xdg, 'kagi')).length, 1);
    assert.equal(cacheDir({ XDG_CACHE_HOME: 'rel/x' }, 'linux', '/home/u'), '/home/u/.cache/kagi');
    assert.equal(cacheDir({ XDG_CACHE_HOME: '/x/c' }, 'linux', '/home/u'), '/x/c/kagi');
    assert.equal(cacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/kagi');
    assert.equal(cacheDir({}, 'linux', ''), undefined);
  });

  it('damaged bytes: not handed to V8, the program runs, the cache is rewritten', () => {
    const home = makeHome();
    runOk(home);
    editCache(home.cache, (b) => {
      b[b.length - 10]! ^= 0xff;
      return b;
    });
    assert.deepEqual(runOk(home), ['bad-checksum', 'written']);
    assert.deepEqual(runOk(home), GROWING);
  });

  it('a cache V8 rejects (valid file, data of another source) is compiled fresh and rewritten', async () => {
    const home = makeHome();
    runOk(home);
    // The same layout, another bundle: its cache data, under this bundle's name and key.
    const otherDist = await makeDist();
    fs.appendFileSync(path.join(otherDist, 'app.bundle.js'), '\nmodule.exports.more = [1, 2, 3];\n');
    const otherHome = makeHome();
    run(path.join(otherDist, 'app.js'), otherHome);
    const [otherName] = cacheFiles(otherHome.cache);
    const other = fs.readFileSync(path.join(otherHome.cache, otherName!));
    editCache(home.cache, (mine) => Buffer.concat([mine.subarray(0, RUNS_AT), other.subarray(RUNS_AT)]));
    assert.deepEqual(runOk(home), ['rejected', 'written']);
    assert.deepEqual(runOk(home), GROWING);
  });

  it('a cache under this name with another key or header is not used, and is replaced', () => {
    const home = makeHome();
    runOk(home);
    editCache(home.cache, (b) => {
      b[20]! ^= 0x01;
      return b;
    });
    assert.deepEqual(runOk(home), ['wrong-key', 'written']);
    editCache(home.cache, (b) => Buffer.concat([Buffer.from('NOT-A-CACHE'), b.subarray(11)]));
    assert.deepEqual(runOk(home), ['bad-header', 'written']);
    assert.deepEqual(runOk(home), GROWING);
  });

  it('a symlink planted at the cache path is not followed, neither to read nor to write', () => {
    const home = makeHome();
    runOk(home);
    const [name] = cacheFiles(home.cache);
    const file = path.join(home.cache, name!);
    // The link points at a valid cache: following it would be a hit.
    const elsewhere = path.join(home.home, 'elsewhere');
    fs.renameSync(file, elsewhere);
    const before = fs.readFileSync(elsewhere);
    fs.symlinkSync(elsewhere, file);
    assert.deepEqual(runOk(home), ['read-error ELOOP', 'written']);
    assert.ok(fs.lstatSync(file).isFile(), 'the link was replaced by a file, not written through');
    assert.deepEqual(fs.readFileSync(elsewhere), before);
  });

  it("a cache file owned by another user is not used (root can chown); it is replaced by this user's", () => {
    const home = makeHome();
    runOk(home);
    const [name] = cacheFiles(home.cache);
    fs.chownSync(path.join(home.cache, name!), OTHER_UID, OTHER_UID);
    assert.deepEqual(runOk(home), ['untrusted-file', 'written']);
    assert.equal(fs.statSync(path.join(home.cache, name!)).uid, process.getuid!());
    assert.deepEqual(runOk(home), GROWING);
  });

  it('a group-writable cache file is not used', () => {
    const home = makeHome();
    runOk(home);
    const [name] = cacheFiles(home.cache);
    fs.chmodSync(path.join(home.cache, name!), 0o620);
    assert.deepEqual(runOk(home), ['untrusted-file', 'written']);
  });

  for (const [what, spoil] of [
    ['group-writable', (dir: string) => fs.chmodSync(dir, 0o770)],
    ['owned by another user', (dir: string) => fs.chownSync(dir, OTHER_UID, OTHER_UID)],
    [
      'a symlink to a folder of ours',
      (dir: string) => {
        fs.renameSync(dir, `${dir}-real`);
        fs.symlinkSync(`${dir}-real`, dir);
      },
    ],
  ] as const) {
    it(`a cache folder ${what} is neither read nor written`, () => {
      const home = makeHome();
      runOk(home);
      spoil(home.cache);
      const listing = () => fs.readdirSync(home.cache).sort();
      const before = listing();
      assert.deepEqual(runOk(home), ['untrusted-dir']);
      assert.deepEqual(listing(), before);
    });
  }

  it('a cache folder that cannot be created (no home folder) only means a plain compile', () => {
    const home = makeHome();
    const missing = path.join(home.home, 'no-such-home');
    assert.deepEqual(runOk(home, { HOME: missing }), ['miss', 'write-error ENOENT']);
    assert.equal(fs.existsSync(missing), false);
  });

  it('a read-only cache folder (EACCES, an unprivileged user) only means a plain compile', () => {
    const home = makeHome();
    // Root writes through any mode: the program runs as another user, who owns the folders.
    const asOther = process.getuid!() === 0 ? { uid: OTHER_UID, gid: OTHER_UID } : {};
    const otherDist = path.dirname(dist);
    for (const p of [home.home, otherDist]) spawnSync('chown', ['-R', `${OTHER_UID}:${OTHER_UID}`, p]);
    try {
      assert.deepEqual(runOk(home, {}, asOther), ['miss', 'written']);
      fs.chmodSync(home.cache, 0o500);
      for (const f of cacheFiles(home.cache)) fs.rmSync(path.join(home.cache, f));
      assert.deepEqual(runOk(home, {}, asOther), ['miss', 'write-error EACCES']);
    } finally {
      spawnSync('chown', ['-R', `${process.getuid!()}:${process.getgid!()}`, otherDist]);
    }
  });

  it('a read-only file system (EROFS) and a full one (ENOSPC) only mean a plain compile', () => {
    // A private mount namespace (unshare: no effect outside this one process tree).
    const home = makeHome();
    const mnt = path.join(home.home, '.cache');
    fs.mkdirSync(mnt);
    const inNamespace = (script: string) => {
      fs.rmSync(home.trace, { force: true });
      const r = spawnSync('unshare', ['-rm', 'sh', '-ec', script, 'sh', mnt, process.execPath, app], {
        env: { PATH: process.env.PATH, HOME: home.home, KAGI_CODE_CACHE_TRACE: home.trace },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, expected);
      return fs.readFileSync(home.trace, 'utf8').trim().split('\n');
    };
    assert.deepEqual(
      inNamespace('mount -t tmpfs tmpfs "$1"; mkdir -m 700 "$1/kagi"; mount -o remount,ro "$1"; "$2" "$3"'),
      ['app.bundle miss', 'app.bundle write-error EROFS'],
    );
    // One page: the folder fits, the cache (tens of KB) does not.
    assert.deepEqual(inNamespace('mount -t tmpfs -o size=4k tmpfs "$1"; "$2" "$3"'), [
      'app.bundle miss',
      'app.bundle write-error ENOSPC',
    ]);
  });

  it('keeps the newest few caches of a bundle when writing a new one, and drops stale temp files', () => {
    const home = makeHome();
    runOk(home);
    const [name] = cacheFiles(home.cache);
    const old = Date.now() / 1000 - 3600;
    const planted = ['a', 'b', 'c', 'd', 'e'].map((k, i) => {
      const f = path.join(home.cache, `app.bundle.${k.repeat(32)}.v8cache`);
      fs.writeFileSync(f, 'x', { mode: 0o600 });
      fs.utimesSync(f, old + i, old + i);
      return f;
    });
    const staleTemp = path.join(home.cache, `${name}.1-abcd.tmp`);
    fs.writeFileSync(staleTemp, 'x');
    fs.utimesSync(staleTemp, old, old);
    const otherBundle = path.join(home.cache, `vault.bundle.${'f'.repeat(32)}.v8cache`);
    fs.writeFileSync(otherBundle, 'x');
    fs.rmSync(path.join(home.cache, name!));
    assert.deepEqual(runOk(home), ['miss', 'written']);
    const left = fs.readdirSync(home.cache).sort();
    // The new one and the three newest others; another bundle's cache is not this one's to prune.
    assert.deepEqual(
      left,
      [name!, ...planted.slice(2).map((f) => path.basename(f)), path.basename(otherBundle)].sort(),
    );
  });

  it('the real CLI: caches its bundle and the vault, then runs from them with the same output', () => {
    ensureCliBuilt();
    const home = makeHome();
    const events = (r: { trace: string }) => fs.readFileSync(r.trace, 'utf8').trim().split('\n').sort();
    // `help scan` loads the vault (its text names two of the vault's limits) and needs no project.
    const kagi = (args: string[], env: Record<string, string> = {}) => {
      fs.rmSync(home.trace, { force: true });
      const r = spawnSync(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH, HOME: home.home, KAGI_CODE_CACHE_TRACE: home.trace, ...env },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout + r.stderr;
    };
    const plain = kagi(['help', 'scan'], { KAGI_NO_CODE_CACHE: '1' });
    assert.match(plain, /^Usage: kagi scan/);
    assert.equal(kagi(['help', 'scan']), plain);
    // The vault's door and the code it shares with the hot path (scripts/bundle/vault-split.mjs).
    assert.deepEqual(events(home), [
      'cli.bundle miss',
      'cli.bundle written',
      'vault-shared.bundle miss',
      'vault-shared.bundle written',
      'vault.bundle miss',
      'vault.bundle written',
    ]);
    // A young cache is written again by the runs after the first (CACHE_RUNS in all), then not.
    for (let i = 1; i < CACHE_RUNS; i++) {
      assert.equal(kagi(['help', 'scan']), plain);
      assert.deepEqual(
        events(home),
        ['cli', 'vault-shared', 'vault'].flatMap((b) => [`${b}.bundle hit`, `${b}.bundle written`]).sort(),
      );
    }
    assert.equal(kagi(['help', 'scan']), plain);
    assert.deepEqual(events(home), ['cli.bundle hit', 'vault-shared.bundle hit', 'vault.bundle hit']);
    // `--version` and the command list load the CLI's bundle only, never the vault.
    assert.match(kagi(['--version']), /^kagi \d/);
    assert.deepEqual(events(home), ['cli.bundle hit']);
    kagi(['--help']);
    assert.deepEqual(events(home), ['cli.bundle hit']);
  });
});
