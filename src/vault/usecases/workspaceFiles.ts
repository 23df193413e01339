// Files the editor reads on its own (the watcher's digests of `.kagi/`, package.json scripts):
// through the vault's one bounded reader, so a committed link to /dev/zero or /proc/self/pagemap
// is never followed and nothing is read past a cap (docs/security.md, "Bounds and special files").
import { createHash } from 'node:crypto';
import { MAX_VAULT_FILE_BYTES, readFileBounded } from '../disk/files';

/** SHA-256 of a regular file's bytes; undefined when it is missing, a link, special or too large. */
export function fileDigest(file: string): string | undefined {
  try {
    const bytes = readFileBounded(file, { maxBytes: MAX_VAULT_FILE_BYTES });
    return bytes && createHash('sha256').update(bytes).digest('hex');
  } catch {
    return undefined;
  }
}

/** A small text file of the workspace (package.json); undefined when missing, a link, special or over `maxBytes`. */
export function readWorkspaceText(file: string, maxBytes: number): string | undefined {
  try {
    return readFileBounded(file, { maxBytes })?.toString('utf8');
  } catch {
    return undefined;
  }
}
