// Which vaults changed on disk since listeners last heard of them. A write of ours is
// announced at once (ctx.fireChanged, so the next question already sees it); the `.kagi/`
// watcher reports the same files a moment later, and that must not re-list and re-decrypt
// the vault, nor rebuild the team view, a second time. So every announcement remembers what
// `.kagi/` looked like, and the watcher announces only vaults that look different since.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The write lock and atomic-write temp files change on every write; they never mean new content. */
export function isNoise(fsPath: string): boolean {
  const name = path.basename(fsPath);
  return name === '.lock' || name.endsWith('.tmp') || name.startsWith('.lock');
}

/**
 * One line per file under `kagiDir`: path, size, modification time and inode. Atomic writes
 * rename a new file into place, so even a same-size rewrite gets a new inode. Reads no content.
 */
export function diskState(kagiDir: string): string {
  const lines: string[] = [];
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
      else lines.push(`${rel}${e.name} ${statLine(file)}`);
    }
  };
  walk(kagiDir, '');
  return lines.sort().join('\n');
}

function statLine(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.size} ${st.mtimeMs} ${st.ino}`;
  } catch {
    return 'gone';
  }
}

/** What each vault's `.kagi/` looked like when its last change was announced, by root. */
export class AnnouncedStates {
  private readonly seen = new Map<string, string>();

  /** Remembers the state of these vaults' folders (a change for them is being announced). */
  remember(kagiDirs: string[]): void {
    for (const dir of kagiDirs) this.seen.set(dir, diskState(dir));
  }

  /** The folders that differ from their last announcement (remembering them now); folders not given are forgotten. */
  changed(kagiDirs: string[]): { changed: string[]; gone: boolean } {
    const gone = [...this.seen.keys()].filter((dir) => !kagiDirs.includes(dir));
    for (const dir of gone) this.seen.delete(dir);
    const changed = kagiDirs.filter((dir) => {
      const now = diskState(dir);
      if (this.seen.get(dir) === now) return false;
      this.seen.set(dir, now);
      return true;
    });
    return { changed, gone: gone.length > 0 };
  }
}
