// Private folders for file artifacts handed to processes as paths (docs/injection.md "Files as
// paths"). One folder per session (a `kagi run`, a debug session, a task, a terminal), 0700,
// its files 0600, on a memory-backed filesystem where the OS has one, removed when the session
// ends; a folder whose owning process is gone (a crash) is removed by the next session.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KagiError, ioError } from '../errors';
import type { HostEnv } from '../device/dataDir';
import { nanoid } from '../crypto/ids';
import { writePrivateFile } from './restore';
import { processAlive } from '../disk/lock';

/** `s-<pid>-<random>`: the pid says whether the session's owner still runs. */
const SESSION_NAME = /^s-(\d+)-[A-Za-z0-9_-]{8}$/;

/**
 * The folder that holds every session folder of this user:
 * Linux `$XDG_RUNTIME_DIR/kagi-files` (tmpfs, per user), else `/dev/shm/kagi-files-<uid>`,
 * else `<tmpdir>/kagi-files-<uid>`; macOS and Windows `<tmpdir>/kagi-files` (a per-user
 * temp folder there: `$TMPDIR` under /var/folders, `%LOCALAPPDATA%\Temp`).
 */
export function sessionBase(host: HostEnv): string {
  const platform = host.platform ?? process.platform;
  if (platform === 'linux') {
    const runtime = host.env.XDG_RUNTIME_DIR;
    if (runtime && path.isAbsolute(runtime) && isOwnDir(runtime)) return path.join(runtime, 'kagi-files');
    if (isDir('/dev/shm')) return path.join('/dev/shm', `kagi-files-${uid()}`);
  }
  if (platform === 'linux' || platform === 'darwin' || platform === 'win32') {
    return path.join(os.tmpdir(), platform === 'linux' ? `kagi-files-${uid()}` : 'kagi-files');
  }
  return path.join(os.tmpdir(), `kagi-files-${uid()}`);
}

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : 0);

function isDir(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isOwnDir(p: string): boolean {
  try {
    const st = fs.lstatSync(p);
    return st.isDirectory() && (typeof process.getuid !== 'function' || st.uid === process.getuid());
  } catch {
    return false;
  }
}

/**
 * The base folder, created 0700 if missing; refused if it is a link, not ours, or open to
 * others (in a shared /dev/shm or /tmp someone else could have made it first).
 */
function ensureBase(base: string): void {
  try {
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw ioError('create folder', base, e);
  }
  const st = fs.lstatSync(base);
  const foreign = !st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid());
  if (foreign || (process.platform !== 'win32' && (st.mode & 0o077) !== 0)) {
    throw new KagiError(
      'io',
      `${base} is not a private folder of this user`,
      'remove it (it should be a 0700 folder owned by you), then try again',
    );
  }
}

/** Removes the session folders whose owning process is gone; returns how many. */
export function removeCrashLeftovers(base: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = SESSION_NAME.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || processAlive(Number(pid))) continue;
    fs.rmSync(path.join(base, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** One session's folder of plaintext files. */
export class SessionFolder {
  private disposed = false;
  private readonly names = new Set<string>();

  private constructor(readonly dir: string) {}

  static create(host: HostEnv): SessionFolder {
    const base = sessionBase(host);
    ensureBase(base);
    removeCrashLeftovers(base);
    const dir = path.join(base, `s-${process.pid}-${nanoid(8).replace(/[^A-Za-z0-9_-]/g, '_')}`);
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      throw ioError('create folder', dir, e);
    }
    return new SessionFolder(dir);
  }

  /** Writes `bytes` as `<name>` (0600); two files of one session never share a name. */
  write(name: string, bytes: Uint8Array): string {
    let file = name;
    for (let n = 2; this.names.has(file); n++) file = `${n}-${name}`;
    this.names.add(file);
    const target = path.join(this.dir, file);
    writePrivateFile(target, bytes);
    return target;
  }

  /** Idempotent: the folder and everything in it go. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
