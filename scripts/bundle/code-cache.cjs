'use strict';
// Loads a node bundle (dist/cli.bundle.js, dist/vault.bundle.js, dist/extension.bundle.js,
// dist/commands.bundle.js) with a V8 code cache, so a start deserializes the compiled code
// instead of compiling it again (bench `run_vs_floor`, `log_vs_git_log_p`, `activation_vs_empty`).
// Built as dist/code-cache.js; each entry (dist/cli.js, dist/vault.js, dist/extension.js,
// dist/commands.js) is a stub that calls load().
// docs/architecture.md, "Bundle", has the design and why each check is here.
//
// A cache is code this process runs, so it is trusted only from a folder and a file that the
// current user owns and nobody else can write, read without following links, and only when its
// key (the bundle's source, the runtime and its flags) is the one computed now. Anything else,
// and any error, means a plain compile: no output ever (the CLI's stdout and stderr are the
// user's), and the cache is rewritten after the work is done, never before. A cache holds what
// the runs that wrote it compiled; the first CACHE_RUNS runs of a bundle each write it again,
// so it holds what they all ran, not only the first (often `--version`, or a failed command).
const buffer = require('node:buffer');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

/**
 * The file format (magic, key, runs, SHA-256 of the data, data); a change makes every earlier
 * cache a miss. `runs`: how many runs have written it, one byte.
 */
const MAGIC = Buffer.from('KAGI-V8-CACHE-2\n');
const KEY_BYTES = 32;
const RUNS_BYTES = 1;
const SUM_BYTES = 32;
const RUNS_AT = MAGIC.length + KEY_BYTES;
const SUM_AT = RUNS_AT + RUNS_BYTES;
const HEADER_BYTES = SUM_AT + SUM_BYTES;
/**
 * The runs that write a bundle's cache: the first (a miss) and the next ones while the cache is
 * younger than this. V8 serializes every function compiled in the process, those the cache gave
 * and those this run compiled, so each write holds the union of the runs so far. Each costs a
 * serialization after the work (~5 ms for `kagi run`'s two bundles); after that a run writes
 * nothing. A command none of them ran still works: its functions compile as they would without
 * a cache.
 */
const CACHE_RUNS = 3;
/** A bound on what is read: the biggest cache (the vault's, after a listing) is ~0.3 MB. */
const MAX_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * Cache files kept per bundle name, the newest: the CLI under Node and under Electron, the
 * extension host (its own flags) and one more checkout or version, without thrashing.
 */
const KEEP_PER_BUNDLE = 4;
/** After the load: past activation and what runs right after it (the CLI writes at exit, if sooner). */
const WRITE_DELAY_MS = 5000;
/** A temp file left by a writer that died is removed once it is this old. */
const STALE_TEMP_MS = 60 * 1000;
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';
const WRAPPER_HEAD_BYTES = Buffer.from(WRAPPER_HEAD);
const WRAPPER_TAIL_BYTES = Buffer.from(WRAPPER_TAIL);
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW = 0, O_NONBLOCK = 0 } = fs.constants;

/** Where the caches live, per user: never the workspace, never a shared temp folder. */
function cacheDir(env = process.env, platform = process.platform, home = os.homedir()) {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    return local && path.isAbsolute(local) ? path.join(local, 'kagi', 'cache') : undefined;
  }
  if (!home || !path.isAbsolute(home)) return undefined;
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'kagi');
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec: a relative value is invalid and ignored.
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'kagi');
}

/** What a cache is valid for: this exact source, this runtime and the flags V8 compiles under. */
function cacheKey(source, env = process.env) {
  const h = crypto.createHash('sha256');
  const runtime = [
    MAGIC.toString('latin1'),
    process.version,
    process.arch,
    process.platform,
    process.versions.v8,
    process.versions.electron ?? '',
    process.execArgv.join('\0'),
    env.NODE_OPTIONS ?? '',
  ];
  h.update(runtime.join('\0'));
  h.update('\0');
  h.update(source);
  return h.digest();
}

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest();

const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;

/** Owned by this user and writable by nobody else (Windows: the profile folder's ACL says so). */
function ownedPrivately(stat) {
  if (uid === undefined) return true;
  return stat.uid === uid && (stat.mode & 0o022) === 0;
}

function trustedDir(dir) {
  const st = fs.lstatSync(dir);
  return st.isDirectory() && ownedPrivately(st);
}

/**
 * What the loader did in this process (`extension.bundle hit`, …): a few events per bundle. The
 * bench's host probe reads them here after its timing (`traceEvents`), so no file write lands
 * inside the activation it measures.
 */
const events = [];
const traceEvents = () => events.slice();

/** Trace for tests and debugging: kept in memory, and appended to a file the caller names; never stdout or stderr. */
function trace(name, event) {
  events.push(`${name} ${event}`);
  const file = process.env.KAGI_CODE_CACHE_TRACE;
  if (!file) return;
  try {
    fs.appendFileSync(file, `${name} ${event}\n`);
  } catch {
    // a trace is never worth failing the program for
  }
}

const errorEvent = (what, e) => `${what} ${(e && e.code) || 'error'}`;

function readAll(fd, size) {
  const buf = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const n = fs.readSync(fd, buf, got, size - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** The cached data for `key`, or why there is none. */
function readCache(file, key) {
  let fd;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (e) {
    return { event: e.code === 'ENOENT' ? 'miss' : errorEvent('read-error', e) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !ownedPrivately(st) || st.size > MAX_CACHE_BYTES) return { event: 'untrusted-file' };
    const buf = readAll(fd, st.size);
    if (buf.length <= HEADER_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return { event: 'bad-header' };
    if (!buf.subarray(MAGIC.length, RUNS_AT).equals(key)) return { event: 'wrong-key' };
    const data = buf.subarray(HEADER_BYTES);
    // V8 checks the data's version, flags and source length, but release builds skip its
    // checksum: damaged bytes would reach the deserializer. They stop here.
    if (!sha256(data).equals(buf.subarray(SUM_AT, HEADER_BYTES))) return { event: 'bad-checksum' };
    // The count only decides whether this run writes again; a damaged one costs a write at most.
    return { data, runs: buf[RUNS_AT] };
  } catch (e) {
    return { event: errorEvent('read-error', e) };
  } finally {
    fs.closeSync(fd);
  }
}

function mkdirPrivate(dir) {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
}

/** temp file (exclusive, 0600, no links), then rename: a reader sees a whole file or none. */
function writeAtomic(file, bytes) {
  const tmp = `${file}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    try {
      // A full disk can take part of a write without an error: the next write reports it.
      for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Keeps the newest few caches of one bundle name and drops temp files writers left behind. */
function prune(dir, name, kept) {
  const now = Date.now();
  const caches = [];
  for (const entry of fs.readdirSync(dir)) {
    if (!entry.startsWith(`${name}.`) || entry === path.basename(kept)) continue;
    const file = path.join(dir, entry);
    // Another process may be pruning the same folder: a file gone meanwhile is not an error.
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!st) continue;
    if (entry.endsWith('.tmp')) {
      if (now - st.mtimeMs > STALE_TEMP_MS) fs.rmSync(file, { force: true });
    } else if (entry.endsWith('.v8cache')) caches.push({ file, mtime: st.mtimeMs });
  }
  caches.sort((a, b) => b.mtime - a.mtime);
  for (const c of caches.slice(KEEP_PER_BUNDLE - 1)) fs.rmSync(c.file, { force: true });
}

function writeCache({ name, dir, file, key, runs, script }) {
  try {
    mkdirPrivate(path.dirname(dir));
    mkdirPrivate(dir);
    if (!trustedDir(dir)) return trace(name, 'untrusted-dir');
    const data = script.createCachedData();
    writeAtomic(file, Buffer.concat([MAGIC, key, Buffer.of(runs), sha256(data), data]));
    prune(dir, name, file);
    trace(name, 'written');
  } catch (e) {
    trace(name, errorEvent('write-error', e));
  }
}

const pending = [];
let flushHooked = false;

function flush() {
  for (const w of pending.splice(0)) writeCache(w);
}

/** Writes after the work: at exit (the CLI) or a moment after loading (the extension host). */
function writeLater(w) {
  pending.push(w);
  if (!flushHooked) {
    flushHooked = true;
    process.once('exit', flush);
  }
  setTimeout(flush, WRITE_DELAY_MS).unref();
}

/**
 * The bundle inside the CommonJS wrapper, as one flat string. Joining strings would make a
 * second copy when V8 flattens it to compile: ~0.3 MB more of young heap for the two bundles
 * of a command, enough to bring on a collection during the load (bench `run_vs_floor`). An
 * ASCII bundle (esbuild escapes everything else) is decoded as Latin-1, the same text.
 */
function wrappedSource(bytes) {
  const joined = Buffer.concat([WRAPPER_HEAD_BYTES, bytes, WRAPPER_TAIL_BYTES]);
  return joined.toString(buffer.isAscii?.(bytes) ? 'latin1' : 'utf8');
}

/** The bundle's compiled top level, from the cache when a trusted one matches. */
function compile(name, filename, bytes) {
  const wrapped = wrappedSource(bytes);
  // The wrapper shares the bundle's first line: every line keeps its number, and the negative
  // column offset gives the first line's columns back, so positions are the bundle file's.
  const options = { filename, columnOffset: -WRAPPER_HEAD.length };
  if (process.env.KAGI_NO_CODE_CACHE === '1') {
    trace(name, 'disabled');
    return new vm.Script(wrapped, options);
  }
  let dir;
  try {
    dir = cacheDir();
  } catch {
    dir = undefined;
  }
  if (!dir) {
    trace(name, 'no-dir');
    return new vm.Script(wrapped, options);
  }
  const key = cacheKey(bytes);
  const file = path.join(dir, `${name}.${key.toString('hex').slice(0, 32)}.v8cache`);
  let found;
  try {
    found = trustedDir(dir) ? readCache(file, key) : { event: 'untrusted-dir' };
  } catch (e) {
    found = { event: e.code === 'ENOENT' ? 'miss' : errorEvent('read-error', e) };
  }
  const script = new vm.Script(wrapped, { ...options, cachedData: found.data });
  if (found.data && !script.cachedDataRejected) {
    trace(name, 'hit');
    if (found.runs < CACHE_RUNS) writeLater({ name, dir, file, key, runs: found.runs + 1, script });
    return script;
  }
  const event = found.data ? 'rejected' : found.event;
  trace(name, event);
  // A folder that is not ours stays untouched; anything else is (re)written after the work.
  if (event !== 'untrusted-dir') writeLater({ name, dir, file, key, runs: 1, script });
  return script;
}

/**
 * Runs `bodyFile` (next to the stub) as the stub module's CommonJS body: its exports are the
 * stub's, its require is the stub's (so `./vault.js` resolves in dist/ and require.main is the
 * stub), its file name is its own (stack traces and source maps point at the bundle).
 */
function load(stub, stubRequire, bodyFile) {
  const filename = path.join(path.dirname(stub.filename), bodyFile);
  const script = compile(path.basename(bodyFile, '.js'), filename, fs.readFileSync(filename));
  const fn = script.runInThisContext({ displayErrors: true });
  fn.call(stub.exports, stub.exports, stubRequire, stub, filename, path.dirname(filename));
  return stub.exports;
}

module.exports = { load, cacheDir, cacheKey, traceEvents, CACHE_RUNS };
