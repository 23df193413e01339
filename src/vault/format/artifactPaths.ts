// Where `files/` artifacts live under .kagi/ (docs/format.md §4): names only, no I/O, so the
// rotation journal can validate paths without depending on the artifact reader.
import { KagiError } from '../errors';

export const FILES_DIR = 'files';
export const INDEX_FILE = 'files/index.enc';
export const ARTIFACT_ID = /^kgf_[A-Za-z0-9_-]+$/;
export const BLOB_NAME = /^kgf_[A-Za-z0-9_-]+\.enc$/;

/** A path under .kagi/ that can only be the index or a blob (the journal replays only these). */
export function isArtifactPath(p: string): boolean {
  return p === INDEX_FILE || (p.startsWith(`${FILES_DIR}/`) && BLOB_NAME.test(p.slice(FILES_DIR.length + 1)));
}

export const artifactFile = (id: string) => `${FILES_DIR}/${id}.enc`;

/** Where an artifact's `restore_path` is relative to: the project root or the user's home folder. */
export type ArtifactLocation = 'repo' | 'home';

/** docs/format.md §4.5: the default size limit, and the one `--allow-large` raises it to. */
export const MAX_FILE_BYTES = 1024 * 1024;
export const LARGE_MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Folders a restore path may never pass through (docs/format.md §4.4), per location. */
const BLOCKED_SEGMENTS: Record<ArtifactLocation, readonly string[]> = {
  repo: ['.git', '.kagi', 'node_modules', 'target', 'dist', 'build', '.next', 'out', 'vendor'],
  home: ['.git', '.kagi', '.ssh', '.gnupg'],
};

const ROOT_WORD: Record<ArtifactLocation, string> = { repo: 'project root', home: 'home folder' };

function badPath(message: string, p: string, location: ArtifactLocation): KagiError {
  return new KagiError(
    'bad-name',
    `${message}: ${JSON.stringify(p)}`,
    `a restore path is relative to the ${ROOT_WORD[location]}, with / separators and no empty, . or .. segment`,
  );
}

/** Throws unless `p` is a restore path the Rust CLI would accept for `location` (docs/format.md §4.4). */
export function validateRestorePath(location: ArtifactLocation, p: string): string {
  const segments = p.split('/');
  if (p === '' || p.startsWith('/') || p.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw badPath(`invalid ${location === 'repo' ? 'repository' : 'home'}-relative file path`, p, location);
  }
  const blocked = segments.find((s) => BLOCKED_SEGMENTS[location].includes(s));
  if (blocked !== undefined) {
    throw new KagiError(
      'bad-name',
      `refusing to use a file inside ${blocked}/: ${JSON.stringify(p)}`,
      `kagi never restores into ${BLOCKED_SEGMENTS[location].join(', ')} (${ROOT_WORD[location]})`,
    );
  }
  return p;
}

/** docs/format.md §4.5: the logical name (a file name or an alias). */
export function validateLogicalName(name: string): string {
  if (
    name === '' ||
    Buffer.byteLength(name, 'utf8') > 255 ||
    name.includes('/') ||
    name.includes('\\') ||
    name === '.' ||
    name === '..'
  ) {
    throw new KagiError(
      'bad-name',
      `invalid file name ${JSON.stringify(name)}`,
      'a file name is 1 to 255 bytes, without / or \\, and not . or ..',
    );
  }
  return name;
}

/** `repo:config/sa.json`: how the Rust CLI shows and selects an artifact. */
export const locatorOf = (location: ArtifactLocation, restorePath: string) => `${location}:${restorePath}`;

/** A selector of the form `repo:<path>` / `home:<path>`, checked; undefined for anything else. */
export function parseLocator(selector: string): { location: ArtifactLocation; restorePath: string } | undefined {
  for (const location of ['home', 'repo'] as const) {
    if (selector.startsWith(`${location}:`)) {
      const restorePath = validateRestorePath(location, selector.slice(location.length + 1));
      return { location, restorePath };
    }
  }
  return undefined;
}
