// The local Git config naming Kagi's drivers, and the launcher they run.
import * as path from 'node:path';
import { ensurePrivateDir, readTextIfExists, SMALL_FILE_BYTES, writeFileAtomic } from '../disk/files';
import { gitRaw, git } from './run';

/** Where this device's kagi program lives: the runtime and the bundled CLI script. */
export interface Program {
  /** node, or an Electron binary that runs as node with ELECTRON_RUN_AS_NODE=1 */
  node: string;
  cli: string;
}

export const launcherPath = (data: string) => path.join(data, 'bin', 'kagi-git');

/**
 * A stable path in the device's data folder that every repository's config names. An extension
 * update moves the CLI; `kagi git setup` (or the extension at activation) rewrites only this file.
 * A textconv must never fail a diff, so with the CLI gone it prints one line and exits 0.
 */
export function launcherScript(program: Program): string {
  return `#!/bin/sh
# Written by \`kagi git setup\`: Git's kagi drivers run this file, so updating kagi rewrites only it.
cli=${shQuote(program.cli)}
node=${shQuote(program.node)}
if [ ! -f "$cli" ]; then
  if [ "$1" = git ] && [ "$2" = textconv ]; then
    echo "# kagi: the kagi CLI ($cli) is gone; run \\\`kagi git setup\\\` again to see this store"
    exit 0
  fi
  echo "kagi: the kagi CLI ($cli) is gone; run \\\`kagi git setup\\\` again" >&2
  exit 1
fi
[ -x "$node" ] || node=node
ELECTRON_RUN_AS_NODE=1 exec "$node" "$cli" "$@"
`;
}

export function writeLauncher(data: string, program: Program): { file: string; changed: boolean } {
  const file = launcherPath(data);
  const text = launcherScript(program);
  let existing: string | undefined;
  try {
    existing = readTextIfExists(file, { maxBytes: SMALL_FILE_BYTES });
  } catch {
    existing = undefined;
  }
  if (existing === text) return { file, changed: false };
  ensurePrivateDir(path.dirname(file));
  writeFileAtomic(file, text, { mode: 0o755 });
  return { file, changed: true };
}

/** The config keys and values setup writes; `git config --local`, so nothing leaves this clone. */
export function driverSettings(launcher: string): [string, string][] {
  const run = `${shQuote(launcher.split(path.sep).join('/'))} git`;
  return [
    ['diff.kagi.textconv', `${run} textconv`],
    ['merge.kagi-store.name', 'kagi: per-key merge of encrypted stores'],
    ['merge.kagi-store.driver', `${run} merge-driver store %O %A %B %P`],
    ['merge.kagi-config.name', 'kagi: union of scopes and settings in kagi.json'],
    ['merge.kagi-config.driver', `${run} merge-driver config %O %A %B %P`],
    ['merge.kagi-access.name', 'kagi: union of members in access.json'],
    ['merge.kagi-access.driver', `${run} merge-driver access %O %A %B %P`],
  ];
}

export const DRIVER_SECTIONS = ['diff.kagi', 'merge.kagi-store', 'merge.kagi-config', 'merge.kagi-access'];

/** True when this clone names every driver (whichever launcher: setup refreshes that). */
export function hasDriverConfig(gitRoot: string): boolean {
  return driverSettings('').every(([key]) => gitRaw(gitRoot, ['config', '--local', '--get', key]).status === 0);
}

/** Sets each key unless it already has that value; returns how many changed. */
export function writeDriverConfig(gitRoot: string, launcher: string): number {
  let changed = 0;
  for (const [key, value] of driverSettings(launcher)) {
    const r = gitRaw(gitRoot, ['config', '--local', '--get', key]);
    if (r.status === 0 && r.stdout.toString('utf8').replace(/\n$/, '') === value) continue;
    git(gitRoot, ['config', '--local', key, value]);
    changed++;
  }
  return changed;
}

export function removeDriverConfig(gitRoot: string): number {
  let removed = 0;
  for (const section of DRIVER_SECTIONS) {
    // Exit 128 means the section was not there: nothing to undo.
    if (gitRaw(gitRoot, ['config', '--local', '--remove-section', section]).status === 0) removed++;
  }
  return removed;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
