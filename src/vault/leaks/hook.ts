// The opt-in pre-commit hook that runs `kagi scan --staged`. A hook someone else wrote is never
// replaced silently: the caller must say it asked (`replace`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';
import { writeFileAtomic } from '../disk/files';
import { git } from './gitSources';

/** The line that marks a hook as ours, so installing again is a no-op rather than a question. */
export const HOOK_MARKER = '# kagi-scan pre-commit hook';

export type HookState = 'absent' | 'ours' | 'foreign';

export function preCommitHookPath(cwd: string): string {
  // --git-path honours core.hooksPath and linked worktrees
  const rel = git(cwd, ['rev-parse', '--git-path', 'hooks/pre-commit']).toString('utf8').trim();
  return path.resolve(cwd, rel);
}

export function hookState(file: string): HookState {
  let text: string;
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) return 'foreign';
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw e;
  }
  return text.includes(HOOK_MARKER) ? 'ours' : 'foreign';
}

/** `command` is the argv that starts this kagi (absolute paths), so the hook runs the same tool. */
export function hookScript(command: string[]): string {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return `#!/bin/sh
${HOOK_MARKER} (installed by \`kagi scan --install-hook\`; remove this file to uninstall)
# Refuses a commit whose staged files hold a vault value. Bypass once: git commit --no-verify
exec ${quoted} scan --staged
`;
}

export function writeHook(file: string, command: string[], state: HookState, replace: boolean): void {
  if (state === 'foreign' && !replace) {
    throw new KagiError(
      'conflict',
      `${file} already exists and was not written by kagi`,
      'call `kagi scan --staged` from it yourself, or rerun with --yes to replace it',
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, hookScript(command), { mode: 0o755 });
}
