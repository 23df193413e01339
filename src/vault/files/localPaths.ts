// Plaintext paths outside the vault, as `kagi file` resolves them (docs/format.md §4.4): the
// canonical project root and home folder, `~` expansion, paths made relative to a root, and
// the refusal of symbolic links on the way to a file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KagiError, ioError } from '../errors';
import type { ArtifactLocation } from '../format/artifactPaths';
import type { HostEnv } from '../device/dataDir';

/** The two folders restore paths are relative to, links resolved (macOS: /var → /private/var). */
export interface Roots {
  repo: string;
  home: string;
}

export function canonicalRoots(projectRoot: string, host: HostEnv): Roots {
  const home = host.homedir ?? host.env.HOME ?? host.env.USERPROFILE ?? os.homedir();
  return { repo: realpath(projectRoot), home: realpath(home) };
}

function realpath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch (e) {
    throw ioError('resolve', p, e);
  }
}

/** `~` and `~/x` against the home folder, a relative path against `cwd`; `.`/`..` folded. */
export function resolveUserPath(p: string, cwd: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return path.resolve(cwd, p);
}

/** `p` relative to `root` with `/` separators, or undefined when `p` is not strictly inside it. */
export function relativeInside(root: string, p: string): string | undefined {
  const rel = path.relative(root, p);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * The absolute path with its existing part canonicalized and the missing tail kept as
 * given (a restore target need not exist yet).
 */
export function canonicalizeExistingPrefix(p: string): string {
  const missing: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(p);
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Refuses a path with a symbolic link in any component, except a link outside `trusted`
 * that resolves to `trusted` or one of its ancestors (macOS's /var → /private/var), as Rust.
 */
export function rejectLinkComponents(p: string, trusted: string): void {
  const parts = path.resolve(p).split(path.sep);
  let current = parts[0] === '' ? path.sep : parts[0]!;
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    current = path.join(current, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(current);
    } catch {
      return; // nothing below a missing component exists either
    }
    if (!st.isSymbolicLink()) continue;
    if (isTrustedAncestorLink(current, trusted)) continue;
    throw new KagiError(
      'bad-name',
      `refusing to use a path through the symbolic link ${current}`,
      'give the real path of the file (kagi never reads or writes plaintext through links)',
    );
  }
}

function isTrustedAncestorLink(link: string, trusted: string): boolean {
  if (relativeInside(trusted, link) !== undefined || link === trusted) return false;
  try {
    const target = fs.realpathSync.native(link);
    return target === trusted || relativeInside(target, trusted) !== undefined;
  } catch {
    return false;
  }
}

export const rootOf = (roots: Roots, location: ArtifactLocation) => roots[location];
