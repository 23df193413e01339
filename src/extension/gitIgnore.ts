import { execFile } from 'node:child_process';
import * as path from 'node:path';

export type IgnoreState = 'ignored' | 'not-ignored' | 'unknown';

/**
 * Asks Git itself whether a path is ignored (`git check-ignore`, exit 0 = ignored,
 * 1 = not ignored), so every .gitignore, exclude file and global rule counts.
 * No Git, or not a repository: unknown.
 */
export function gitIgnoreState(file: string): Promise<IgnoreState> {
  return new Promise((resolve) => {
    execFile('git', ['check-ignore', '-q', '--', file], { cwd: path.dirname(file), timeout: 5000 }, (err) => {
      if (!err) return resolve('ignored');
      // execFile reports the exit status as a number in `code`; spawn failures carry a string (ENOENT).
      const code: unknown = (err as { code?: unknown }).code;
      resolve(code === 1 ? 'not-ignored' : 'unknown');
    });
  });
}
