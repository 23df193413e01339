// A Git object id as Git prints it in full: SHA-1 (40 hex digits) or SHA-256 (64).
import { createHash } from 'node:crypto';

export const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The id Git gives `bytes` as a blob (`git hash-object --stdin`, which applies no filter), in
 * the object format of a repository where `sample` is an object id: SHA-1 for 40 hex digits,
 * SHA-256 for 64. Hashed here: the editor asks on every hover, and a Git process is ~10 ms.
 */
export function blobIdLike(sample: string, bytes: Uint8Array): string {
  return createHash(sample.length === 64 ? 'sha256' : 'sha1')
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
}
