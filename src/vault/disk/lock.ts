import * as fs from 'node:fs';
import * as os from 'node:os';
import { KagiError, ioError } from '../errors';
import { lstatIfExists, readTextIfExists, SMALL_FILE_BYTES } from './files';

/**
 * A write lock among our own processes (the CLI, the extension, CI). The Rust CLI
 * ignores it; against Rust, the re-read before every write narrows the window
 * (docs/concurrency.md). A holder killed mid-write leaves a lock whose pid is dead:
 * the next writer takes it over.
 */
export interface LockOptions {
  timeoutMs?: number;
  staleMs?: number;
}

/** How long an empty or unparsable lock may belong to a holder that is still writing it. */
const HALF_WRITTEN_GRACE_MS = 2_000;

/** Clocks on one machine (or a network's) agree within this; a lock dated later was not taken now. */
const CLOCK_SKEW_MS = 60_000;

interface LockInfo {
  pid: number;
  host: string;
  at: number;
}

export async function withLock<T>(lockFile: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const release = await acquire(lockFile, opts);
  try {
    return await fn();
  } finally {
    release();
  }
}

async function acquire(lockFile: string, opts: LockOptions): Promise<() => void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  const me: LockInfo = { pid: process.pid, host: os.hostname(), at: Date.now() };
  const body = JSON.stringify(me);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lockFile, body, { flag: 'wx', mode: 0o600 });
      return () => releaseIfMine(lockFile, body);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('create lock', lockFile, e);
    }
    assertLockShape(lockFile);
    // Every turn reaches the deadline: a lock that can be neither taken nor removed must not spin.
    const broke = breakIfStale(lockFile, opts.staleMs ?? 120_000);
    if (Date.now() > deadline) {
      throw new KagiError(
        'locked',
        `another kagi process is writing this vault (${lockFile} exists)`,
        'wait for it to finish; if no kagi process is running, delete the lock file',
      );
    }
    if (!broke) await sleep(Math.min(5 + attempt * 5, 50) * (0.5 + Math.random()));
  }
}

/**
 * Only a regular file is ever a lock of ours. A folder or a link (dangling or not) at
 * `.kagi/.lock` came from somewhere else, Git most likely: no waiting makes it go away.
 */
function assertLockShape(lockFile: string): void {
  const st = lstatIfExists(lockFile, 'inspect lock');
  if (st === undefined || st.isFile()) return;
  throw new KagiError(
    'locked',
    `${lockFile} is ${st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a folder' : 'a special file'}, not a kagi lock`,
    'kagi never creates one like it: delete it (and do not commit .kagi/.lock), then retry',
  );
}

function readLock(lockFile: string): string {
  return readTextIfExists(lockFile, { maxBytes: SMALL_FILE_BYTES }) ?? '';
}

function releaseIfMine(lockFile: string, body: string): void {
  try {
    if (readLock(lockFile) === body) fs.rmSync(lockFile, { force: true });
  } catch {
    // Already gone: nothing to release.
  }
}

function breakIfStale(lockFile: string, staleMs: number): boolean {
  let info: LockInfo | undefined;
  let text: string;
  try {
    text = readLock(lockFile);
    info = JSON.parse(text) as LockInfo;
    if (typeof info?.pid !== 'number' || typeof info.host !== 'string' || typeof info.at !== 'number')
      throw new Error('not a lock');
  } catch {
    // Unreadable, empty or foreign. A live holder writes its body in the same call that
    // creates the file, so one still empty after a moment lost its holder in between
    // (SIGKILL, power loss): judge by age, with a short grace instead of the full staleMs.
    return removeIfOlderThan(lockFile, Math.min(staleMs, HALF_WRITTEN_GRACE_MS));
  }
  if (info.at > Date.now() + CLOCK_SKEW_MS) {
    throw new KagiError(
      'locked',
      `${lockFile} is dated ${new Date(info.at).toISOString()}, in the future: no running kagi wrote it (was it committed?)`,
      'delete it, make sure .kagi/.lock is not tracked by Git (git rm --cached .kagi/.lock), then retry',
    );
  }
  const dead = info.host === os.hostname() && !processAlive(info.pid);
  if (!dead && Date.now() - info.at < staleMs) return false;
  // Take it over only if it is still the same stale lock.
  try {
    if (readLock(lockFile) !== text) return true;
    fs.rmSync(lockFile, { force: true });
  } catch {
    // Someone else removed it first.
  }
  return true;
}

function removeIfOlderThan(lockFile: string, ms: number): boolean {
  try {
    if (Date.now() - fs.lstatSync(lockFile).mtimeMs < ms) return false;
    fs.rmSync(lockFile, { force: true });
  } catch {
    // Gone already.
  }
  return true;
}

/** Whether a process of this machine still runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
