// Reading a file given to `kagi file add` (docs/format.md §4.5): a regular file, not a link,
// within the size limit. Checked on the open descriptor, so a file swapped for a FIFO or a
// link between the check and the read is refused too.
import * as fs from 'node:fs';
import { KagiError, ioError } from '../errors';
import { LARGE_MAX_FILE_BYTES, MAX_FILE_BYTES } from '../format/artifactPaths';

function refuse(what: string, file: string): KagiError {
  return new KagiError('bad-value', `refusing to add ${what}: ${file}`, 'kagi file add takes a regular file');
}

function tooLarge(size: number, limit: number): KagiError {
  return new KagiError(
    'bad-value',
    `file too large: ${size} bytes exceeds ${limit} bytes`,
    limit === MAX_FILE_BYTES
      ? `--allow-large raises the limit to ${LARGE_MAX_FILE_BYTES} bytes`
      : 'kagi keeps small files only (keys, certificates, credentials)',
  );
}

export function readInputFile(file: string, allowLarge: boolean): Uint8Array {
  const limit = allowLarge ? LARGE_MAX_FILE_BYTES : MAX_FILE_BYTES;
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    throw ioError('read', file, e);
  }
  if (st.isSymbolicLink()) throw refuse('a symbolic link', file);
  if (st.isDirectory()) throw refuse('a directory', file);
  if (!st.isFile()) throw refuse('a non-regular file (FIFO, socket or device)', file);
  if (st.size > limit) throw tooLarge(st.size, limit);
  // O_NONBLOCK: if the path became a FIFO since lstat, open must not wait for a writer.
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);
  let fd: number;
  try {
    fd = fs.openSync(file, flags);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw refuse('a symbolic link', file);
    throw ioError('read', file, e);
  }
  try {
    const fst = fs.fstatSync(fd);
    if (!fst.isFile()) throw refuse('a non-regular file', file);
    const buf = Buffer.alloc(limit + 1);
    let n = 0;
    for (let r; n < buf.length && (r = fs.readSync(fd, buf, n, buf.length - n, null)) > 0;) n += r;
    if (n > limit) throw tooLarge(n, limit);
    return new Uint8Array(buf.subarray(0, n));
  } catch (e) {
    if (e instanceof KagiError) throw e;
    throw ioError('read', file, e);
  } finally {
    fs.closeSync(fd);
  }
}
