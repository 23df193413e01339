import * as fs from 'node:fs';
import { KagiError, ioError } from '../errors';
import { encodeBase64, fromUtf8, isPlainObject, parseJsonFile, utf8 } from '../format/encoding';
import { readText, removeFile, writeFileAtomic } from '../disk/files';
import { writeFilesAtomic } from '../disk/atomicBatch';
import { artifactAad, open, seal } from '../crypto/seal';
import { parseEnvelope, serializeEnvelope } from '../format/envelope';
import type { ProjectConfig } from '../format/projectConfig';
import type { Project } from './project';
import {
  ARTIFACT_ID,
  artifactFile,
  BLOB_NAME,
  FILES_DIR,
  INDEX_FILE,
  locatorOf,
  validateLogicalName,
  validateRestorePath,
  type ArtifactLocation,
} from '../format/artifactPaths';

/**
 * `kagi file` artifacts (docs/format.md §4): `files/index.enc` lists them, one
 * `files/kgf_<id>.enc` blob each. Unlike secret stores, the AAD binds the project
 * id and the reader checks version, kind and the stored aad, exactly as Rust does.
 */
export interface ArtifactEntry {
  id: string;
  scope: string;
  name: string;
  location: ArtifactLocation;
  restore_path: string;
  alias?: string;
  size: number;
  sha256: string;
  created_at: string;
  updated_at: string;
  [k: string]: unknown;
}

export type ArtifactKind = 'file-index' | 'file';

function bad(file: string, message: string): KagiError {
  return new KagiError('bad-store', `${file}: ${message}`, 'restore .kagi/files/ from Git, or run `kagi doctor`');
}

/** The file text of one artifact envelope (field order as Rust writes it, `kind` after `algorithm`). */
export function sealArtifact(
  cfg: ProjectConfig,
  key: Uint8Array,
  kind: ArtifactKind,
  logicalId: string,
  plain: Uint8Array,
): string {
  return serializeEnvelope({ ...seal(key, artifactAad(kind, cfg.projectId, logicalId), plain), kind });
}

/** The index plaintext as Rust writes it: compact JSON `{"version":1,"files":[…]}`. */
export function encodeArtifactIndex(entries: ArtifactEntry[]): Uint8Array {
  return utf8(JSON.stringify({ version: 1, files: entries }));
}

/** Opens an artifact envelope after Rust's extra checks (version 1, kind, stored aad). */
export function openArtifact(
  cfg: ProjectConfig,
  key: Uint8Array,
  kind: ArtifactKind,
  logicalId: string,
  text: string,
  file: string,
): Uint8Array {
  const env = parseEnvelope(text, file);
  const aad = artifactAad(kind, cfg.projectId, logicalId);
  if (env.version !== 1) throw bad(file, 'unsupported encrypted file version (expected 1)');
  if (env.kind !== kind) throw bad(file, `encrypted file kind mismatch (expected ${kind})`);
  if (env.aad !== encodeBase64(utf8(aad)))
    throw bad(file, 'encrypted file aad mismatch (moved from another project or id?)');
  return open(key, aad, env, file);
}

function filesDirExists(project: Project): boolean {
  return fs.existsSync(project.file(FILES_DIR));
}

/** The artifact index, or undefined when the project never used `kagi file`. */
export function readArtifactIndex(project: Project, cfg: ProjectConfig, key: Uint8Array): ArtifactEntry[] | undefined {
  if (!filesDirExists(project)) return undefined;
  // An empty files/ is an empty index (Rust); blobs without their index are a lost index.
  if (!fs.existsSync(project.file(INDEX_FILE)) && blobIds(project).length === 0) return [];
  const text = readText(project.file(INDEX_FILE), () =>
    bad(INDEX_FILE, 'is missing although .kagi/files/ holds blobs'),
  );
  const plain = fromUtf8(openArtifact(cfg, key, 'file-index', 'index', text, INDEX_FILE), INDEX_FILE);
  return parseIndex(plain);
}

function parseIndex(text: string): ArtifactEntry[] {
  const raw = parseJsonFile(text, INDEX_FILE, 'bad-store');
  if (!isPlainObject(raw) || raw.version !== 1 || !Array.isArray(raw.files)) {
    throw bad(INDEX_FILE, 'decrypted index is not {"version":1,"files":[…]}');
  }
  const entries = raw.files.map((f, i) => parseEntry(f, i));
  rejectDuplicates(entries);
  return entries;
}

/**
 * Two entries sharing an id would share one blob, and two at one (scope, location, path) would
 * restore over each other: either means the index was edited or merged by hand.
 */
function rejectDuplicates(entries: ArtifactEntry[]): void {
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    for (const k of [`id ${e.id}`, `${e.scope} ${locatorOf(e.location, e.restore_path)}`]) {
      if (seen.has(k))
        throw bad(
          INDEX_FILE,
          `decrypted index entry ${i} repeats ${k.startsWith('id ') ? 'the id' : 'the restore path'} of an earlier entry`,
        );
      seen.add(k);
    }
  }
}

function parseEntry(v: unknown, i: number): ArtifactEntry {
  const where = `decrypted index entry ${i}`;
  if (!isPlainObject(v)) throw bad(INDEX_FILE, `${where} is not an object`);
  for (const f of ['id', 'scope', 'name', 'restore_path', 'sha256', 'created_at', 'updated_at']) {
    if (typeof v[f] !== 'string') throw bad(INDEX_FILE, `${where} has no "${f}" string`);
  }
  if (typeof v.size !== 'number') throw bad(INDEX_FILE, `${where} has no numeric "size"`);
  if (!ARTIFACT_ID.test(v.id as string)) throw bad(INDEX_FILE, `${where} has an invalid id`);
  // Older Rust writers have no `location`; their files always restore into the repo.
  const location = v.location ?? 'repo';
  if (location !== 'repo' && location !== 'home') throw bad(INDEX_FILE, `${where} has an unknown location`);
  if (v.alias !== undefined && typeof v.alias !== 'string') throw bad(INDEX_FILE, `${where} has a non-string "alias"`);
  // Names and paths come from Git: the same checks as at `add` (Rust's doctor makes them too).
  try {
    validateLogicalName(v.name as string);
    if (v.alias !== undefined) validateLogicalName(v.alias);
    validateRestorePath(location, v.restore_path as string);
  } catch (e) {
    throw bad(INDEX_FILE, `${where}: ${(e as Error).message}`);
  }
  return { ...v, location } as ArtifactEntry;
}

/** The name a person selects an entry by: its alias, else its name. */
export const displayName = (e: ArtifactEntry) => e.alias ?? e.name;

/** Rust's order: (scope, location, restore_path, display name), by code unit as Rust compares strings. */
export function sortEntries(entries: ArtifactEntry[]): ArtifactEntry[] {
  const key = (e: ArtifactEntry) => [e.scope, e.location, e.restore_path, displayName(e)];
  return [...entries].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}

/** An entry with Rust's field order; fields we do not know are kept, after the known ones. */
function orderedEntry(e: ArtifactEntry): ArtifactEntry {
  const { id, scope, name, location, restore_path, alias, size, sha256, created_at, updated_at, ...unknown } = e;
  return {
    id,
    scope,
    name,
    location,
    restore_path,
    ...(alias === undefined ? {} : { alias }),
    size,
    sha256,
    created_at,
    updated_at,
    ...unknown,
  };
}

/** Writes the index (sorted, Rust's field order) atomically; the caller holds the project lock. */
export function writeArtifactIndex(
  project: Project,
  cfg: ProjectConfig,
  key: Uint8Array,
  entries: ArtifactEntry[],
): void {
  writeFileAtomic(project.file(INDEX_FILE), sealIndex(cfg, key, entries));
}

/**
 * `file add`: one blob and the index that lists it, as one batch (both temps written before
 * either is renamed, the blob renamed first). A write failing part-way changes neither: a
 * replaced blob is never left under an index entry that describes the old file (same id,
 * other bytes), nor a new blob without its entry. The caller holds the project lock.
 */
export async function writeArtifactWithIndex(
  project: Project,
  cfg: ProjectConfig,
  key: Uint8Array,
  id: string,
  bytes: Uint8Array,
  entries: ArtifactEntry[],
): Promise<void> {
  await writeFilesAtomic(
    [
      [project.file(artifactFile(id)), sealArtifact(cfg, key, 'file', id, bytes)],
      [project.file(INDEX_FILE), sealIndex(cfg, key, entries)],
    ],
    { inOrder: true },
  );
}

/** The index sealed as Rust writes it: sorted, Rust's field order. */
function sealIndex(cfg: ProjectConfig, key: Uint8Array, entries: ArtifactEntry[]): string {
  return sealArtifact(cfg, key, 'file-index', 'index', encodeArtifactIndex(sortEntries(entries).map(orderedEntry)));
}

export function removeArtifactBlob(project: Project, id: string): void {
  if (ARTIFACT_ID.test(id)) removeFile(project.file(artifactFile(id)));
}

/** One artifact's raw bytes. */
export function readArtifact(project: Project, cfg: ProjectConfig, key: Uint8Array, id: string): Uint8Array {
  if (!ARTIFACT_ID.test(id)) {
    throw new KagiError(
      'bad-name',
      `invalid file artifact id ${JSON.stringify(id)}`,
      'artifact ids look like kgf_ followed by letters, digits, _ or -',
    );
  }
  const rel = artifactFile(id);
  const text = readText(
    project.file(rel),
    () =>
      new KagiError(
        'key-not-found',
        `file artifact ${id} does not exist (${rel} is missing)`,
        'restore .kagi/files/ from Git',
      ),
  );
  return openArtifact(cfg, key, 'file', id, text, rel);
}

/** Every `files/kgf_*.enc` on disk, indexed or not, so a rotation leaves none behind. */
export function blobIds(project: Project): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(project.file(FILES_DIR));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError('list', project.file(FILES_DIR), e);
  }
  return names
    .filter((n) => BLOB_NAME.test(n))
    .map((n) => n.slice(0, -'.enc'.length))
    .sort();
}

/**
 * Decrypts every artifact with `oldKey` and re-seals it with `newKey`, all in
 * memory (docs/format.md §7.5: this fixes the Rust quirk that leaves them under the old key).
 * Any failure throws before the caller writes anything.
 */
export function resealArtifacts(
  project: Project,
  cfg: ProjectConfig,
  oldKey: Uint8Array,
  newKey: Uint8Array,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!filesDirExists(project)) return out;
  const reseal = (kind: ArtifactKind, logicalId: string, rel: string) => {
    const text = readText(project.file(rel), () => bad(rel, 'disappeared during the rotation'));
    out[rel] = sealArtifact(cfg, newKey, kind, logicalId, openArtifact(cfg, oldKey, kind, logicalId, text, rel));
  };
  if (fs.existsSync(project.file(INDEX_FILE))) reseal('file-index', 'index', INDEX_FILE);
  for (const id of blobIds(project)) reseal('file', id, artifactFile(id));
  return out;
}
