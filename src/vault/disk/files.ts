import * as fs from 'node:fs';
import * as path from 'node:path';
import { ioError, KagiError } from '../errors';
import { writeText, type FileText } from './textPieces';
import { publicRandomBytes } from '../crypto/publicRandom';

const isWindows = process.platform === 'win32';

/** Files the vault reads are small; anything larger is hostile or a mistake. */
export const MAX_VAULT_FILE_BYTES = 64 * 1024 * 1024;

/** kagi.json and access.json: thousands of scopes or members fit many times over. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** A key, an identity, a lock, a `.git` file: a few lines at most. */
export const SMALL_FILE_BYTES = 64 * 1024;

/** Creates `dir` and missing parents, each new one 0700 (private material lives below). */
export function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isWindows) fs.chmodSync(dir, 0o700);
  } catch (e) {
    throw ioError('create folder', dir, e);
  }
}

/**
 * Writes `text` so that a reader sees the old file or the new one, never half:
 * a temp file in the same folder, fsync, rename over the target, fsync the folder.
 * The temp name ends in `.tmp` so nothing mistakes it for a store. Vault files are
 * 0600 in 0700 folders; a file outside the vault (an exported .env, .gitignore)
 * passes its `mode`, and its folder is left as it is.
 */
export function writeFileAtomic(file: string, text: string | Uint8Array, opts: { mode?: number } = {}): void {
  assertReplaceable(file);
  const dir = path.dirname(file);
  if (opts.mode === undefined) prepareDir(dir, [path.basename(file)]);
  else prepareOutsideDir(dir, path.basename(file));
  const tmp = writeTemp(file, text, true, opts.mode ?? 0o600, opts.mode === undefined ? 'vault' : 'outside');
  try {
    fs.renameSync(tmp, file);
    syncDir(dir);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw ioError('write', file, e);
  }
}

/**
 * A link or a special file where we write is refused, not silently replaced: a committed
 * `.gitignore` or `.env` link is someone's setup we would break, or hostile input.
 */
function assertReplaceable(file: string): void {
  const st = lstatIfExists(file, 'write');
  if (st === undefined || st.isFile()) return;
  throw st.isSymbolicLink() ? linkRefused(file) : notRegular(file, st);
}

/** The entry itself (a link as a link); undefined when nothing is there. */
export function lstatIfExists(file: string, action: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch (e) {
    throw ioError(action, file, e);
  }
}

/**
 * Outside the vault (an exported .env) a temp holds plaintext, so one left by a killed
 * export goes at the next export of the same file (see TEMP_PATTERN for its name).
 */
function prepareOutsideDir(dir: string, name: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    removeOrphanTemps(dir, [name], 'outside');
  } catch (e) {
    throw ioError('create folder', dir, e);
  }
}

/** A new temp file beside `file` with exactly `mode` (0600 for vault files), whatever the umask. */
export function writeTemp(
  file: string,
  text: string | Uint8Array,
  durable: boolean,
  mode = 0o600,
  kind: TempKind = 'vault',
): string {
  const tmp = tempPathFor(file, kind);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode & 0o600);
    if (!isWindows) fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, text);
    if (durable) fs.fsyncSync(fd);
    fs.closeSync(fd);
    return tmp;
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw ioError('write', file, e);
  }
}

/** A fresh name for a temp beside `file` (TEMP_PATTERN below). */
export function tempPathFor(file: string, kind: TempKind = 'vault'): string {
  const hex = publicRandomBytes(6).toString('hex');
  return path.join(path.dirname(file), `${kind === 'vault' ? '.' : ''}${path.basename(file)}.${hex}.tmp`);
}

/**
 * writeTemp's durable twin on the thread pool, for a batch of hundreds: the main thread
 * seals the next file while this one is created, written and flushed. On failure the
 * caller removes `tmp` (it may exist, half-written).
 */
export function writeTempDurably(tmp: string, file: string, text: FileText): Promise<void> {
  // Callbacks, not fs.promises: a FileHandle and a promise per step cost the main thread more
  // than the steps themselves, times 600 files (bench `rotate_vs_durable_rewrite`).
  return new Promise((resolve, reject) => {
    const failed = (e: unknown) => reject(ioError('write', file, e));
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;
    fs.open(tmp, flags, 0o600, (openError, fd) => {
      if (openError) return failed(openError);
      const steps: ((done: (e: Error | null) => void) => void)[] = [
        ...(isWindows ? [] : [(done: (e: Error | null) => void) => fs.fchmod(fd, 0o600, done)]),
        (done) => writeText(fd, text, done),
        (done) => fs.fsync(fd, done),
      ];
      // Each step once the one before succeeded; the first failure closes the file and is reported.
      const next = (e: Error | null) => {
        if (e) return fs.close(fd, () => failed(e));
        const step = steps.shift();
        if (step) step(next);
        else fs.close(fd, (closeError) => (closeError ? failed(closeError) : resolve()));
      };
      next(null);
    });
  });
}

function prepareDir(dir: string, names: readonly string[]): void {
  ensurePrivateDir(dir);
  removeOrphanTemps(dir, names);
}

export type TempKind = 'vault' | 'outside';

/**
 * writeTemp's names, with the target in group 1: in the vault `.<target>.<12 hex>.tmp`
 * (never a store: no `.enc` ending); outside it `<target>.<12 hex>.tmp`, so an export's
 * `.env.production.<hex>.tmp` falls under the `.env.*` line of .gitignore.
 */
const TEMP_PATTERN: Record<TempKind, RegExp> = {
  vault: /^\.(.+)\.[0-9a-f]{12}\.tmp$/,
  outside: /^(.+)\.[0-9a-f]{12}\.tmp$/,
};

/** A vault temp file's name. */
export const TEMP_NAME = TEMP_PATTERN.vault;

/**
 * A writer killed between creating its temp file and the rename leaves it behind.
 * Every writer of a vault file holds the project lock, so a temp of the same
 * target found now belongs to a dead writer.
 */
function removeOrphanTemps(dir: string, targets: readonly string[], kind: TempKind = 'vault'): void {
  const orphans = orphanTemps(dir, kind);
  for (const target of targets) {
    for (const name of orphans.get(target) ?? []) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Removes every vault temp file in `root` and its folders (links not followed), `maxDepth` folders deep at most. */
export function removeTempsUnder(root: string, maxDepth = 16): void {
  let entries: fs.Dirent[];
  try {
    // lstat: `root` itself a link (a committed `secrets -> ~`) is not walked.
    if (!fs.lstatSync(root).isDirectory()) return;
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory() && maxDepth > 0) removeTempsUnder(path.join(root, e.name), maxDepth - 1);
    else if (e.isFile() && TEMP_PATTERN.vault.test(e.name)) fs.rmSync(path.join(root, e.name), { force: true });
  }
}

/** The temp files in `dir`, by the target they were meant to replace. */
export function orphanTemps(dir: string, kind: TempKind = 'vault'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const target = TEMP_PATTERN[kind].exec(name)?.[1];
    if (target !== undefined) out.set(target, [...(out.get(target) ?? []), name]);
  }
  return out;
}

function syncDir(dir: string): void {
  if (isWindows) return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface ReadOptions {
  /** The most bytes read; one more and the file is refused. */
  maxBytes?: number;
  /**
   * Follow a symbolic link at `file` itself. Off by default: a link in a repository is
   * hostile input (a committed `kagi.json -> /dev/zero`). On only for paths a person
   * named on this device (KAGI_PROJECT_KEY_FILE, their identity, an import's --file).
   */
  followLinks?: boolean;
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
/** A FIFO opened without it blocks until a writer comes; with it, fstat refuses it at once. */
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const CHUNK_BYTES = 64 * 1024;

/**
 * The one way the tools read a file: through a descriptor, so what is checked is what is
 * read. Refuses a link (unless `followLinks`), anything that is not a regular file (a device,
 * FIFO, socket or folder) and more than `maxBytes` bytes ACTUALLY read: `stat` says 0 for
 * /dev/zero and for /proc files that yield megabytes. `undefined` when nothing is there.
 */
export function readFileBounded(file: string, opts: ReadOptions = {}): Buffer | undefined {
  const maxBytes = opts.maxBytes ?? MAX_VAULT_FILE_BYTES;
  let fd: number;
  try {
    fd = openForReading(file, opts.followLinks === true);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' && !opts.followLinks) throw linkRefused(file);
    throw ioError('read', file, e);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw notRegular(file, st);
    if (st.size > maxBytes) throw tooLarge(file, st.size, maxBytes);
    return readUpTo(fd, file, maxBytes, st.size);
  } catch (e) {
    if (e instanceof KagiError) throw e;
    throw ioError('read', file, e);
  } finally {
    fs.closeSync(fd);
  }
}

function openForReading(file: string, followLinks: boolean): number {
  // Windows has no O_NOFOLLOW: an lstat first (a race there is not worth a native module).
  if (!followLinks && O_NOFOLLOW === 0 && fs.lstatSync(file).isSymbolicLink()) {
    throw Object.assign(new Error('link'), { code: 'ELOOP' });
  }
  return fs.openSync(file, fs.constants.O_RDONLY | O_NONBLOCK | (followLinks ? 0 : O_NOFOLLOW));
}

/**
 * Reads until end of file, refusing the file as soon as it yields more than `maxBytes`. Whole
 * chunks (some /proc files refuse reads that are not a multiple of 8): at most one chunk over.
 *
 * The first chunk is sized from `fstat` (plus one whole unit, to see end of file or growth):
 * a 64 KB chunk per read made a 600-store listing allocate ~75 MB and spend a third of its
 * time collecting it (bench `open_list_vs_dotenv`). That holds past 64 KB too (the caller has
 * refused a size over `maxBytes`): a 1,000-secret store (~105 KB) was two reads and a copy,
 * ~4 % of loading it for a launch (bench `inject_vs_json_parse`). Sizes `stat` gets wrong (0
 * for /proc files, a file still growing) go on in 64 KB chunks.
 */
function readUpTo(fd: number, file: string, maxBytes: number, statSize: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const whole = () => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
  let chunkBytes = statSize > 0 ? wholeUnits(statSize + 1) : CHUNK_BYTES;
  for (;;) {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return whole();
    total += n;
    if (total > maxBytes) throw tooLarge(file, undefined, maxBytes);
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    // A short read of a file fstat measured is its end: no second read to hear so.
    if (n < chunk.length && total === statSize) return whole();
    chunkBytes = CHUNK_BYTES;
  }
}

/** `n` rounded up to whole 8-byte units. */
const wholeUnits = (n: number) => Math.ceil(n / 8) * 8;

function linkRefused(file: string): KagiError {
  return new KagiError(
    'io',
    `${file} is a symbolic link; kagi does not read or rewrite files through links`,
    'replace it with a regular file (restore it from Git), and check who added the link',
  );
}

function notRegular(file: string, st: fs.Stats): KagiError {
  const kind = st.isDirectory()
    ? 'a folder'
    : st.isCharacterDevice() || st.isBlockDevice()
      ? 'a device'
      : st.isFIFO()
        ? 'a named pipe'
        : st.isSocket()
          ? 'a socket'
          : 'not a file';
  return new KagiError(
    'io',
    `${file} is ${kind}, not a regular file`,
    'replace it with the file kagi expects (restore it from Git)',
  );
}

function tooLarge(file: string, size: number | undefined, maxBytes: number): KagiError {
  return new KagiError(
    'io',
    `${file} ${size === undefined ? 'holds' : `is ${size} bytes,`} more than ${maxBytes} bytes: too large to be a file kagi reads`,
    'restore it from Git, or check that it is the right file',
  );
}

/** Reads a UTF-8 file through readFileBounded; `undefined` when it does not exist. */
export function readTextIfExists(file: string, opts: ReadOptions = {}): string | undefined {
  return readFileBounded(file, opts)?.toString('utf8');
}

export function readText(file: string, whatIsMissing: () => KagiError, opts: ReadOptions = {}): string {
  return readBytes(file, whatIsMissing, opts).toString('utf8');
}

export function readBytes(file: string, whatIsMissing: () => KagiError, opts: ReadOptions = {}): Buffer {
  const bytes = readFileBounded(file, opts);
  if (bytes === undefined) throw whatIsMissing();
  return bytes;
}

export function removeFile(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch (e) {
    throw ioError('delete', file, e);
  }
}

/**
 * Throws if a folder between `root` (excluded) and `file` is a symbolic link. A link
 * committed inside .kagi/ (say `secrets/api -> ~/.config`) would otherwise redirect
 * writes, chmods and deletes outside the vault. Missing folders are fine: we create them.
 */
export function assertRealFolders(root: string, file: string): void {
  const seen = checkedThisTurn();
  if (seen.has(`${root}\0${path.dirname(file)}`)) return;
  const [from, dir] = [path.resolve(root), path.resolve(path.dirname(file))];
  const rel = path.relative(from, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return;
  assertRealChain(from, dir, seen);
}

/**
 * `root`, then each folder down to `dir`, is not a link; false when one is missing (fine: we
 * create it). A chain found real is remembered for the turn as `root\0dir`: the stores of a
 * listing share their folders, so most calls end at the first lookup, and a new folder costs
 * one lstat below a chain already checked.
 */
function assertRealChain(root: string, dir: string, seen: Set<string>): boolean {
  const chain = `${root}\0${dir}`;
  if (seen.has(chain)) return true;
  // `dir` is inside `root`, both resolved: going up reaches `root`.
  if (dir !== root && !assertRealChain(root, path.dirname(dir), seen)) return false;
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(dir);
  } catch {
    return false;
  }
  if (st.isSymbolicLink()) {
    throw new KagiError(
      'bad-store',
      `${path.relative(path.dirname(root), dir)} is a symbolic link; kagi does not read or write through links inside the vault`,
      'replace it with a real folder (restore .kagi/ from Git), and check who added the link',
    );
  }
  seen.add(chain);
  return true;
}

let checked: Set<string> | undefined;

/**
 * Chains of folders found real during the current synchronous run (`root\0folder`): a loop
 * over 600 scopes checks each folder once. Forgotten at the next microtask, so no await lies
 * between a check and the reads and writes it covers.
 */
function checkedThisTurn(): Set<string> {
  if (!checked) {
    checked = new Set();
    queueMicrotask(() => (checked = undefined));
  }
  return checked;
}

/** Removes now-empty folders from `dir` up to (not including) `stop`. */
export function pruneEmptyDirs(dir: string, stop: string): void {
  let current = dir;
  while (current.startsWith(stop + path.sep) && current !== stop) {
    try {
      fs.rmdirSync(current);
    } catch {
      return;
    }
    current = path.dirname(current);
  }
}
