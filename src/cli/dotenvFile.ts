import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeDotenvFile } from '../vault/dotenv';
import { ioError, KagiError } from '../vault/errors';
import { MAX_VAULT_FILE_BYTES } from '../vault/files';

/**
 * A .env file's text, decoded as strict UTF-8 so a binary or UTF-16 file is
 * refused rather than imported as garbage; `undefined` when it does not exist.
 */
export function readDotenvFile(file: string): string | undefined {
  let bytes: Buffer;
  try {
    if (fs.statSync(file).size > MAX_VAULT_FILE_BYTES) {
      throw new KagiError('bad-dotenv', `${file} is too large to be a .env file`, 'check that you picked the right file');
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof KagiError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('read', file, e);
  }
  return decodeDotenvFile(bytes, path.basename(file));
}
