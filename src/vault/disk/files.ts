import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ioError, KagiError } from '../errors';

const isWindows = process.platform === 'win32';

/** Files the vault reads are small; anything larger is hostile or a mistake. */
export const MAX_VAULT_FILE_BYTES = 64 * 1024 * 1024;

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
  const hex = randomBytes(6).toString('hex');
  const tmp = path.join(path.dirname(file), `${kind === 'vault' ? '.' : ''}${path.basename(file)}.${hex}.tmp`);
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

/** Reads a UTF-8 file, refusing oversized ones; `undefined` when it does not exist. */
export function readTextIfExists(file: string): string | undefined {
  let size: number | undefined;
  try {
    size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) return undefined;
  } catch (e) {
    throw ioError('read', file, e);
  }
  // Checked before reading, so a huge (or sparse) file is never loaded.
  if (size > MAX_VAULT_FILE_BYTES) {
    throw new KagiError('io', `${file} is ${size} bytes, too large to be a vault file`, 'restore it from Git');
  }
  try {
    // By path, not by fd: Node reads a whole UTF-8 file by path in one native call.
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('read', file, e);
  }
}

export function readText(file: string, whatIsMissing: () => KagiError): string {
  const text = readTextIfExists(file);
  if (text === undefined) throw whatIsMissing();
  return text;
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
  const rel = path.relative(root, path.dirname(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return;
  const seen = checkedThisTurn();
  let current = root;
  for (const segment of rel.split(path.sep)) {
    current = path.join(current, segment);
    if (seen.has(current)) continue;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(current);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) {
      throw new KagiError(
        'bad-store',
        `${path.relative(path.dirname(root), current)} is a symbolic link; kagi does not read or write through links inside the vault`,
        'replace it with a real folder (restore .kagi/ from Git), and check who added the link',
      );
    }
    seen.add(current);
  }
}

let checked: Set<string> | undefined;

/**
 * Folders found real during the current synchronous run: a loop over 600 scopes checks
 * each folder once. Forgotten at the next microtask, so no await lies between a check
 * and the reads and writes it covers.
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
