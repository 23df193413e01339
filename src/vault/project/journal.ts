import * as fs from 'node:fs';
import * as path from 'node:path';
import { KagiError } from '../errors';
import { isPlainObject, parseJsonFile } from '../format/encoding';
import { writeFilesAtomic, type AtomicBatch } from '../disk/atomicBatch';
import { assertRealFolders, readTextIfExists, removeFile, removeTempsUnder, writeFileAtomic } from '../disk/files';
import { accessSnapshotPath, journalPath, stagingPath } from '../device/dataDir';
import { isSafeSecretsPath } from '../scopes/names';
import { isArtifactPath } from '../format/artifactPaths';
import { parseAccessList } from '../format/access';
import { parseEnvelope } from '../format/envelope';

/**
 * The rotation journal (docs/format.md §7.6): everything a key rotation will write, saved
 * outside the repo before the first write, so a killed rotation can be finished.
 * `artifacts` is ours (Rust ignores unknown fields): files/ stores re-encrypted too.
 */
export interface Journal {
  projectId: string;
  accessJson: string;
  files: Record<string, string>;
  artifacts: Record<string, string>;
}

export function serializeJournal(j: Journal): string {
  return journalPieces(j).join('');
}

/**
 * `JSON.stringify` of the journal with two-space indents, byte for byte, as pieces: the file
 * texts it holds are pieces of their own, never copied into one string of megabytes
 * (disk/textPieces.ts).
 */
export function journalPieces(j: Journal): string[] {
  const pieces = [
    `{\n  "version": 1,\n  "project_id": ${JSON.stringify(j.projectId)},\n  "access_json": ${JSON.stringify(j.accessJson)},\n  "files": `,
  ];
  mapPieces(pieces, j.files);
  if (Object.keys(j.artifacts).length > 0) {
    pieces.push(',\n  "artifacts": ');
    mapPieces(pieces, j.artifacts);
  }
  pieces.push('\n}');
  return pieces;
}

/** A map of path to text, sorted by path, at the second level of indentation. */
function mapPieces(pieces: string[], map: Record<string, string>): void {
  const paths = Object.keys(map).sort();
  if (paths.length === 0) {
    pieces.push('{}');
    return;
  }
  for (const [i, p] of paths.entries()) {
    pieces.push(`${i === 0 ? '{' : ','}\n    ${JSON.stringify(p)}: `, JSON.stringify(map[p]));
  }
  pieces.push('\n  }');
}

function bad(message: string, file: string): KagiError {
  return new KagiError(
    'journal',
    `rotation journal ${file}: ${message}`,
    'the interrupted key rotation cannot be finished automatically; restore .kagi/ from Git and ask the owner who rotated to run `member remove` again, then delete the journal',
  );
}

export function parseJournal(text: string, file: string, expectedProjectId: string): Journal {
  const raw = parseJsonFile(text, file, 'journal');
  if (!isPlainObject(raw)) throw bad('not an object', file);
  if (raw.version !== 1) throw bad(`unsupported version ${JSON.stringify(raw.version)}`, file);
  if (raw.project_id !== expectedProjectId)
    throw bad(`belongs to project ${JSON.stringify(raw.project_id)}, not ${expectedProjectId}`, file);
  if (typeof raw.access_json !== 'string') throw bad('access_json is missing', file);
  const files = stringMap(raw.files, 'files', file, isSafeSecretsPath);
  const artifacts = raw.artifacts === undefined ? {} : stringMap(raw.artifacts, 'artifacts', file, isArtifactPath);
  // Replay writes this content verbatim over the vault: refuse it before the first write.
  const accessJson = raw.access_json;
  checkContent(() => parseAccessList(accessJson), 'access_json', file);
  for (const [p, content] of Object.entries({ ...files, ...artifacts }))
    checkContent(() => parseEnvelope(content, p), p, file);
  return { projectId: expectedProjectId, accessJson, files, artifacts };
}

function checkContent(parse: () => unknown, what: string, file: string): void {
  try {
    parse();
  } catch (e) {
    if (!(e instanceof KagiError)) throw e;
    throw bad(`${what} is not valid (${e.message})`, file);
  }
}

function stringMap(v: unknown, what: string, file: string, safe: (p: string) => boolean): Record<string, string> {
  if (!isPlainObject(v)) throw bad(`${what} must be an object`, file);
  const out: Record<string, string> = {};
  for (const [p, content] of Object.entries(v)) {
    if (!safe(p)) throw bad(`refusing unsafe path ${JSON.stringify(p)}`, file);
    if (typeof content !== 'string') throw bad(`${what}[${JSON.stringify(p)}] must be a string`, file);
    out[p] = content;
  }
  return out;
}

export function readJournal(dataDir: string, projectId: string): Journal | undefined {
  const file = journalPath(dataDir, projectId);
  const text = readTextIfExists(file);
  return text === undefined ? undefined : parseJournal(text, file, projectId);
}

export function writeJournal(dataDir: string, j: Journal): void {
  writeFileAtomic(journalPath(dataDir, j.projectId), serializeJournal(j));
}

/**
 * `writeJournal` with its write and flush on the thread pool: a rotation's staged temps each
 * need the main thread between their steps, and a synchronous flush of megabytes stalls them.
 */
export async function writeJournalAsync(dataDir: string, j: Journal): Promise<void> {
  await writeFilesAtomic([[journalPath(dataDir, j.projectId), journalPieces(j)]]);
}

/**
 * A rotation stages its temps in the vault before its journal exists (team/rotation.ts): this
 * device-local mark says so, so that a process killed in between (Ctrl-C) leaves no temps for
 * `git add` to find: the next command under the lock sweeps them (`sweepStaged`).
 */
export function markStaging(dataDir: string, projectId: string): void {
  writeFileAtomic(stagingPath(dataDir, projectId), '');
}

/** When the rotation has ended, every temp of its renamed or removed. */
export function clearStaging(dataDir: string, projectId: string): void {
  removeFile(stagingPath(dataDir, projectId));
}

/** Under the lock: the temps a killed rotation staged are removed, then its mark. */
export function sweepStaged(kagiDir: string, dataDir: string, projectId: string): void {
  if (!fs.existsSync(stagingPath(dataDir, projectId))) return;
  for (const folder of ['secrets', 'files']) removeTempsUnder(path.join(kagiDir, folder));
  clearStaging(dataDir, projectId);
}

/**
 * access.json and this device's snapshot of it, always together: the snapshot is
 * what the Rust CLI's `kagi recover access` restores (it is no evidence of who is a
 * member: Rust rewrites it from whatever it read; see team/record.ts).
 */
export function writeAccessText(kagiDir: string, dataDir: string, projectId: string, text: string): void {
  writeFileAtomic(path.join(kagiDir, 'access.json'), text);
  writeFileAtomic(accessSnapshotPath(dataDir, projectId), text);
}

/**
 * Writes everything the journal holds, in Rust's order, then deletes it. Idempotent.
 * Stores are flushed together before access.json names the new key, and the journal
 * goes only once everything it describes is on disk.
 *
 * `staged`: a batch the caller filled while it computed the journal (a rotation stages each
 * store as it is sealed, so the flushes run beside the crypto). What it holds is used where it
 * is exactly the journal's text; anything else is staged here. Nothing is renamed before this.
 */
export async function applyJournal(kagiDir: string, dataDir: string, j: Journal, staged?: AtomicBatch): Promise<void> {
  const targets = Object.entries({ ...j.files, ...j.artifacts }).map(
    ([rel, content]) => [vaultFile(kagiDir, rel), content] as const,
  );
  // Checked for all before the first write, so a refused journal changes nothing.
  for (const [file] of targets) assertRealFolders(kagiDir, file);
  await writeFilesAtomic(targets, { staged });
  writeAccessText(kagiDir, dataDir, j.projectId, j.accessJson);
  dropJournal(dataDir, j.projectId);
}

/** Once everything the journal describes is on disk, or (a rotation that failed) nothing is. */
export function dropJournal(dataDir: string, projectId: string): void {
  removeFile(journalPath(dataDir, projectId));
}

/**
 * Where a vault-relative path (`secrets/api/production.enc`) lives: one rule for the journal's
 * targets and `Project.file`, so the temps a rotation stages are the ones its replay looks for.
 */
export function vaultFile(kagiDir: string, rel: string): string {
  return path.join(kagiDir, ...rel.split('/'));
}
