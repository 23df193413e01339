// The files `kagi scan` reads: what Git would commit. Everything from Git is hostile input: paths
// come NUL-separated, sizes are checked before reading, links are never followed, and each file
// is capped, so a huge or binary blob costs nothing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';

/** Larger files are skipped (and counted): secrets live in config and code, not in data dumps. */
export const MAX_SCAN_BYTES = 1024 * 1024;
/** Git's own rule: a NUL in the first 8,000 bytes makes a file binary. */
const BINARY_PROBE = 8000;
/** Bounds what a `git` child process may print at us. */
const MAX_GIT_OUTPUT = 256 * 1024 * 1024;

export interface ScanFile {
  /** relative to the folder the scan ran in, with `/` */
  path: string;
  text: string;
}

export interface SkippedCounts {
  binary: number;
  large: number;
  other: number;
}

export interface FileSource {
  files: Iterable<ScanFile>;
  skipped: SkippedCounts;
}

/** `.git/` and `.kagi/` (anywhere: nested services have their own) are never read. */
export function isExcludedPath(p: string): boolean {
  return p.split('/').some((part) => part === '.git' || part === '.kagi');
}

export function git(cwd: string, args: string[], input?: Buffer): Buffer {
  const r = spawnSync('git', ['-c', 'core.quotepath=off', ...args], {
    cwd,
    input,
    maxBuffer: MAX_GIT_OUTPUT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (r.error) {
    throw new KagiError(
      'io',
      `could not run git (${(r.error as NodeJS.ErrnoException).code ?? 'error'})`,
      'install Git and make sure it is on PATH',
    );
  }
  if (r.status !== 0) {
    const first = r.stderr.toString('utf8').split('\n')[0]!.slice(0, 200);
    throw new KagiError('io', `git ${args[0]} failed: ${first}`, 'run kagi scan inside a Git work tree');
  }
  return r.stdout;
}

const nulList = (out: Buffer) =>
  out
    .toString('utf8')
    .split('\0')
    .filter((s) => s !== '');

function emptyCounts(): SkippedCounts {
  return { binary: 0, large: 0, other: 0 };
}

/** Tracked and untracked-not-ignored files under `pathspecs` (relative to cwd), read from disk. */
export function workingTreeFiles(cwd: string, pathspecs: string[]): FileSource {
  const listed = nulList(git(cwd, ['ls-files', '-co', '--exclude-standard', '-z', '--', ...pathspecs]));
  const skipped = emptyCounts();
  const unique = [...new Set(listed)].filter((p) => !isExcludedPath(p)).sort();
  return { files: readFromDisk(cwd, unique, skipped), skipped };
}

function* readFromDisk(cwd: string, paths: string[], skipped: SkippedCounts): Generator<ScanFile> {
  for (const p of paths) {
    const bytes = readRegularFile(path.join(cwd, p), skipped);
    if (bytes) yield* asText(p, bytes, skipped);
  }
}

function readRegularFile(file: string, skipped: SkippedCounts): Buffer | undefined {
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: a link is committed as its target's name, not the target's content.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return void skipped.other++;
    if (st.size > MAX_SCAN_BYTES) return void skipped.large++;
    const buf = Buffer.alloc(st.size);
    const n = fs.readSync(fd, buf, 0, st.size, 0);
    return buf.subarray(0, n);
  } catch {
    // deleted since listing, a link, unreadable: not something this scan can judge
    skipped.other++;
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function* asText(p: string, bytes: Buffer, skipped: SkippedCounts): Generator<ScanFile> {
  if (bytes.subarray(0, BINARY_PROBE).includes(0)) {
    skipped.binary++;
    return;
  }
  yield { path: p, text: bytes.toString('utf8') };
}

/** The index (`--staged`): what the next commit holds, read from Git's objects, not the disk. */
export function stagedFiles(cwd: string, pathspecs: string[]): FileSource {
  const skipped = emptyCounts();
  const entries = parseIndex(git(cwd, ['ls-files', '-s', '-z', '--', ...pathspecs])).filter(
    (e) => !isExcludedPath(e.path),
  );
  const blobs = entries.filter((e) => e.mode.startsWith('100'));
  skipped.other += entries.length - blobs.length; // links and submodules
  const sizes = blobSizes(
    cwd,
    blobs.map((b) => b.oid),
  );
  const small = blobs.filter((b) => {
    const ok = (sizes.get(b.oid) ?? Infinity) <= MAX_SCAN_BYTES;
    if (!ok) skipped.large++;
    return ok;
  });
  return { files: readBlobs(cwd, small, skipped), skipped };
}

interface IndexEntry {
  mode: string;
  oid: string;
  path: string;
}

function parseIndex(out: Buffer): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (const record of nulList(out)) {
    const m = /^(\d{6}) ([0-9a-f]{40,64}) (\d)\t(.+)$/s.exec(record);
    if (!m) throw new KagiError('io', 'git ls-files printed an entry kagi cannot read', 'update Git, or report it');
    // during a merge only stage 0 or the "ours" version (2) would be committed
    if (m[3] === '0' || m[3] === '2') entries.push({ mode: m[1]!, oid: m[2]!, path: m[4]! });
  }
  return entries;
}

function blobSizes(cwd: string, oids: string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  if (oids.length === 0) return sizes;
  const out = git(cwd, ['cat-file', '--batch-check'], Buffer.from(oids.join('\n') + '\n'));
  for (const line of out.toString('utf8').split('\n')) {
    const m = /^([0-9a-f]+) blob (\d+)$/.exec(line);
    if (m) sizes.set(m[1]!, Number(m[2]));
  }
  return sizes;
}

function* readBlobs(cwd: string, entries: IndexEntry[], skipped: SkippedCounts): Generator<ScanFile> {
  if (entries.length === 0) return;
  const out = git(cwd, ['cat-file', '--batch'], Buffer.from(entries.map((e) => e.oid).join('\n') + '\n'));
  let at = 0;
  for (const e of entries) {
    const nl = out.indexOf(0x0a, at);
    const m = /^([0-9a-f]+) blob (\d+)$/.exec(out.subarray(at, nl).toString('utf8'));
    if (!m || m[1] !== e.oid)
      throw new KagiError('io', 'git cat-file printed an object kagi did not ask for', 'report it');
    const size = Number(m[2]);
    const bytes = out.subarray(nl + 1, nl + 1 + size);
    at = nl + 1 + size + 1;
    yield* asText(e.path, bytes, skipped);
  }
}
