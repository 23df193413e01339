// Where `files/` artifacts live under .kagi/ (docs/format.md §4): names only, no I/O, so the
// rotation journal can validate paths without depending on the artifact reader.
export const FILES_DIR = 'files';
export const INDEX_FILE = 'files/index.enc';
export const ARTIFACT_ID = /^kgf_[A-Za-z0-9_-]+$/;
export const BLOB_NAME = /^kgf_[A-Za-z0-9_-]+\.enc$/;

/** A path under .kagi/ that can only be the index or a blob (the journal replays only these). */
export function isArtifactPath(p: string): boolean {
  return p === INDEX_FILE || (p.startsWith(`${FILES_DIR}/`) && BLOB_NAME.test(p.slice(FILES_DIR.length + 1)));
}

export const artifactFile = (id: string) => `${FILES_DIR}/${id}.enc`;
