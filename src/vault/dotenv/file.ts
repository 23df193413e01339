import * as path from 'node:path';
import { KagiError } from '../errors';
import { readFileBounded, writeFileAtomic } from '../disk/files';
import { decodeDotenvFile, MAX_DOTENV_BYTES } from './parse';

/** UTF-8 takes at most 3 bytes per UTF-16 unit, so this never refuses what the parser accepts. */
const MAX_DOTENV_FILE_BYTES = 3 * MAX_DOTENV_BYTES;

/**
 * A .env file's text, decoded as strict UTF-8 so a binary or UTF-16 file is
 * refused rather than imported as garbage; `undefined` when it does not exist.
 * A link is followed only when a person named the file (`--file`); one found in a
 * repository (`init`'s discovery) is refused like any committed link.
 */
export function readDotenvFile(file: string, opts: { followLinks?: boolean } = {}): string | undefined {
  let bytes: Buffer | undefined;
  try {
    bytes = readFileBounded(file, { maxBytes: MAX_DOTENV_FILE_BYTES, followLinks: opts.followLinks === true });
  } catch (e) {
    if (e instanceof KagiError && /too large/.test(e.message)) {
      throw new KagiError(
        'bad-dotenv',
        `${file} is too large to be a .env file`,
        'check that you picked the right file',
      );
    }
    throw e;
  }
  return bytes === undefined ? undefined : decodeDotenvFile(bytes, path.basename(file));
}

/**
 * An exported .env: plaintext the user asked for, so 0600 (even when it replaces a more
 * open file) and atomic; the folder it lands in (often the repository root) is left as is.
 */
export function writeDotenvFile(file: string, text: string): void {
  writeFileAtomic(file, text === '' || text.endsWith('\n') ? text : `${text}\n`, { mode: 0o600 });
}
