// Which vaults changed on disk since listeners last heard of them. A write of ours is
// announced at once (ctx.fireChanged, so the next question already sees it); the `.kagi/`
// watcher reports the same files a moment later, and that must not re-list and re-decrypt
// the vault, nor rebuild the team view, a second time. So every announcement remembers what
// `.kagi/` looked like, and the watcher announces only vaults that look different since.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileDigest } from '../vault';

/**
 * How far an mtime must be older than the snapshot for its stat to be trusted (Git's "racy
 * clean" rule). Timestamps can be as coarse as 2 s (FAT; 1 s on HFS+ and older kernels), and
 * the Rust CLI overwrites files in place (same inode): a same-length write within one tick
 * would leave size, mtime and inode all unchanged.
 */
export const RACY_MS = 2000;

/** The write lock and atomic-write temp files change on every write; they never mean new content. */
export function isNoise(fsPath: string): boolean {
  const name = path.basename(fsPath);
  return name === '.lock' || name.endsWith('.tmp') || name.startsWith('.lock');
}

/** One file: its stat line, plus a digest of its bytes when the stat alone can't be trusted. */
interface FileState {
  stat: string;
  digest?: string;
}

/** What a `.kagi/` folder looked like: relative path → FileState. */
export type DiskState = Map<string, FileState>;

/**
 * Every file under `kagiDir`: size, modification time and inode (atomic writes rename a new
 * file into place, so they get a new inode). Files modified within RACY_MS of `now` also get a
 * SHA-256 of their bytes (ciphertext or public JSON; only the digest is kept), because a later
 * write in the same timestamp tick could leave their stat unchanged.
 */
export function diskState(kagiDir: string, now = Date.now()): DiskState {
  const out: DiskState = new Map();
  const walk = (dir: string, rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // gone or unreadable: the listing reports it
    }
    for (const e of entries) {
      if (isNoise(e.name)) continue;
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file, `${rel}${e.name}/`);
      else out.set(`${rel}${e.name}`, fileState(file, now));
    }
  };
  walk(kagiDir, '');
  return out;
}

function fileState(file: string, now: number): FileState {
  try {
    // lstat: a committed link is judged by itself, never by what it points to.
    const st = fs.lstatSync(file);
    const stat = `${st.size} ${st.mtimeMs} ${st.ino}`;
    return st.mtimeMs > now - RACY_MS ? { stat, digest: digestOf(file) } : { stat };
  } catch {
    return { stat: 'gone' };
  }
}

/** Through the vault's bounded reader: a link to /proc/self/pagemap is not read at all. */
function digestOf(file: string): string {
  return fileDigest(file) ?? 'unreadable';
}

/**
 * Whether `now` shows the same files as `before`. A file that was racy in `before` (it has a
 * digest) counts as unchanged only if its bytes are still the same.
 */
export function sameState(before: DiskState, now: DiskState, kagiDir: string): boolean {
  if (before.size !== now.size) return false;
  for (const [rel, was] of before) {
    const is = now.get(rel);
    if (!is || is.stat !== was.stat) return false;
    if (was.digest !== undefined && (is.digest ?? digestOf(path.join(kagiDir, rel))) !== was.digest) return false;
  }
  return true;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** What each vault's `.kagi/` looked like when its last change was announced, by folder. */
export class AnnouncedStates {
  private readonly seen = new Map<string, DiskState>();
  /** The vault folders at the last look, so a vault that appears or disappears is always noticed. */
  private folders: string[];

  /**
   * `kagiDirs`: the vaults open at activation. Without them, a vault deleted (a branch
   * checkout without `.kagi/`) before anything was announced would never be noticed, and
   * the tree and the terminal environment would keep its keys. Their files are not read
   * now (no work at activation): the first look after it reports them changed.
   */
  constructor(kagiDirs: string[] = []) {
    this.folders = [...kagiDirs];
  }

  /** Remembers the state of these vaults' folders (a change for them is being announced). */
  remember(kagiDirs: string[]): void {
    for (const dir of kagiDirs) this.seen.set(dir, diskState(dir));
  }

  /** After announcing every vault: `kagiDirs` is the whole set of vault folders now. */
  rememberAll(kagiDirs: string[]): void {
    this.folders = [...kagiDirs];
    this.remember(kagiDirs);
  }

  /**
   * `kagiDirs`: every vault folder now. `folders`: a vault appeared or disappeared since the
   * last look (everything should be re-read). `changed`: the folders that differ from their
   * last announcement. Remembers what it saw.
   */
  changed(kagiDirs: string[]): { changed: string[]; folders: boolean } {
    const folders = !sameSet(this.folders, kagiDirs);
    this.folders = [...kagiDirs];
    for (const dir of [...this.seen.keys()]) if (!kagiDirs.includes(dir)) this.seen.delete(dir);
    const changed = kagiDirs.filter((dir) => {
      const now = diskState(dir);
      const before = this.seen.get(dir);
      this.seen.set(dir, now);
      return !before || !sameState(before, now, dir);
    });
    return { changed, folders };
  }
}
