// Which artifact a selector names (docs/format.md §4.6 "Selecting one artifact"): a locator
// (`repo:<path>`, `home:<path>`), a path on disk, or a display name that must be unique.
import * as path from 'node:path';
import { KagiError } from '../errors';
import { parseLocator, validateRestorePath, type ArtifactLocation } from '../format/artifactPaths';
import { displayName, type ArtifactEntry } from '../project/artifacts';
import { canonicalizeExistingPrefix, relativeInside, resolveUserPath, type Roots } from './localPaths';

const looksLikePath = (s: string) => s.startsWith('~') || s.includes('/') || s.includes('\\') || path.isAbsolute(s);

function pathSelector(
  selector: string,
  roots: Roots,
  cwd: string,
): { location: ArtifactLocation; restorePath: string } {
  const target = canonicalizeExistingPrefix(resolveUserPath(selector, cwd, roots.home));
  for (const location of ['repo', 'home'] as const) {
    const rel = relativeInside(roots[location], target);
    if (rel !== undefined) return { location, restorePath: validateRestorePath(location, rel) };
  }
  throw new KagiError(
    'bad-name',
    `file selector path ${selector} is outside the repository and the home folder`,
    'select a file by its name, by repo:<path> / home:<path>, or by a path inside the project',
  );
}

/** The position of the one entry of `scope` that `selector` names. */
export function selectEntry(
  entries: ArtifactEntry[],
  scope: string,
  selector: string,
  roots: Roots,
  cwd: string,
): number {
  const located = parseLocator(selector) ?? (looksLikePath(selector) ? pathSelector(selector, roots, cwd) : undefined);
  const matches = entries.flatMap((e, i) => {
    if (e.scope !== scope) return [];
    const hit = located
      ? e.location === located.location && e.restore_path === located.restorePath
      : displayName(e) === selector;
    return hit ? [i] : [];
  });
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const names = entries.filter((e) => e.scope === scope).map(displayName);
    throw new KagiError(
      'key-not-found',
      `file not found in ${scope}: ${selector}`,
      names.length ? `files in ${scope}: ${names.join(', ')}` : `${scope} has no files; see \`kagi file list --all\``,
    );
  }
  throw new KagiError(
    'conflict',
    `file selector is ambiguous in ${scope}: ${selector}`,
    'use the restore path instead (repo:<path> or home:<path>, as `kagi file list` shows it)',
  );
}
