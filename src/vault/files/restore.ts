// Writing an artifact's plaintext back to disk (docs/format.md §4.6 `file restore`): where it
// goes, whether what is there may be replaced, and the 0600 write through a temp file.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError, ioError } from '../errors';
import { nanoid } from '../crypto/ids';
import { locatorOf, validateRestorePath } from '../format/artifactPaths';
import type { ArtifactEntry } from '../project/artifacts';
import { canonicalizeExistingPrefix, rejectLinkComponents, relativeInside, type Roots } from './localPaths';

/** missing → create; same → leave alone; different → replace (home: after a backup); blocked → needs --force. */
export type RestoreStatus = 'missing' | 'same' | 'different' | 'blocked';

export interface RestorePlan {
  entry: ArtifactEntry;
  target: string;
  status: RestoreStatus;
  backup?: string;
}

const ROOT_WORD = { repo: 'the repository', home: 'the home folder' } as const;

/** The target of a restore: `out` (relative to `cwd`) or the entry's own path, checked as Rust checks it. */
export function restoreTarget(entry: ArtifactEntry, roots: Roots, cwd: string, out?: string): string {
  const root = roots[entry.location];
  const target = out !== undefined ? path.resolve(cwd, out) : path.join(root, ...entry.restore_path.split('/'));
  rejectLinkComponents(target, root);
  const canonical = canonicalizeExistingPrefix(target);
  const rel = relativeInside(root, canonical);
  if (rel === undefined) {
    throw new KagiError(
      'bad-name',
      `output path ${target} must stay inside ${ROOT_WORD[entry.location]} (${root})`,
      `${locatorOf(entry.location, entry.restore_path)} restores only below ${root}; choose an --out path there`,
    );
  }
  validateRestorePath(entry.location, rel);
  return canonical;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function planRestore(entry: ArtifactEntry, target: string, force: boolean): RestorePlan {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(target, { throwIfNoEntry: false });
  } catch (e) {
    throw ioError('inspect', target, e);
  }
  if (!st) return { entry, target, status: 'missing' };
  if (st.isSymbolicLink() || !st.isFile()) {
    throw new KagiError(
      'conflict',
      `refusing to restore over ${st.isSymbolicLink() ? 'the symbolic link' : 'the non-regular file'} ${target}`,
      'move it away, or restore elsewhere with --out',
    );
  }
  if (sha256Hex(readBounded(target, st.size)) === entry.sha256) return { entry, target, status: 'same' };
  if (entry.location === 'home') return { entry, target, status: 'different', backup: nextBackupPath(target) };
  return { entry, target, status: force ? 'different' : 'blocked' };
}

/** Only compared, never shown; a file far larger than any artifact cannot be the same one. */
function readBounded(file: string, size: number): Uint8Array {
  if (size > 64 * 1024 * 1024) return new Uint8Array();
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw ioError('read', file, e);
  }
}

export function blockedError(plan: RestorePlan): KagiError {
  return new KagiError(
    'conflict',
    `output file already exists with different content: ${plan.target}`,
    'pass --force to overwrite it, or restore elsewhere with --out',
  );
}

/** `<name>.kagi.bak.<YYYYMMDDTHHMMSSZ>`, then `.1`, `.2`, … (Rust's names). */
function nextBackupPath(target: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const base = `${target}.kagi.bak.${stamp}`;
  let candidate = base;
  for (let n = 1; fs.existsSync(candidate); n++) candidate = `${base}.${n}`;
  return candidate;
}

/** Carries out a plan that may apply: the backup first (0600), then the file through a temp (0600). */
export function applyRestore(plan: RestorePlan, bytes: Uint8Array): void {
  if (plan.status === 'same') return;
  if (plan.status === 'blocked') throw blockedError(plan);
  fs.mkdirSync(path.dirname(plan.target), { recursive: true });
  if (plan.backup) {
    try {
      fs.copyFileSync(plan.target, plan.backup, fs.constants.COPYFILE_EXCL);
      fs.chmodSync(plan.backup, 0o600);
    } catch (e) {
      throw ioError('back up', plan.target, e);
    }
  }
  writePrivateFile(plan.target, bytes);
}

/** A plaintext file: `.<name>.kagi.tmp.<8 chars>` beside it (Rust's temp name), 0600, fsync, rename. */
export function writePrivateFile(target: string, bytes: Uint8Array): void {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.kagi.tmp.${nanoid(8)}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw ioError('write', target, e);
  }
}
