import { ageRecipient, generateAgeIdentity, isAgeIdentity, parseAgeIdentity } from '../crypto/ageKeys';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ioError, KagiError } from '../errors';
import { ensurePrivateDir, readTextIfExists, SMALL_FILE_BYTES } from '../disk/files';
import { identityPath } from './dataDir';

/** This device's age X25519 identity, shared by every project (and by the Rust CLI). */
export interface DeviceIdentity {
  secretKey: string;
  recipient: string;
  file: string;
}

const IDENTITY = /^AGE-SECRET-KEY-1[02-9ACDEFGHJKLMNPQRSTUVWXYZ]{58}$/;

/** The `age1…` recipient of a secret key (an X25519 operation). */
export const recipientOf = (secretKey: string): string => ageRecipient(parseAgeIdentity(secretKey));

export async function loadIdentity(data: string): Promise<DeviceIdentity | undefined> {
  const secretKey = loadSecretKey(data);
  return secretKey === undefined
    ? undefined
    : { secretKey, recipient: recipientOf(secretKey), file: identityPath(data) };
}

/**
 * Only the secret key: enough to unwrap the project key, without the X25519
 * operation that deriving the recipient costs on every CLI run.
 */
export function loadSecretKey(data: string): string | undefined {
  const file = identityPath(data);
  // The person's own file (it may be a link into their dotfiles), but small and regular.
  const text = readTextIfExists(file, { followLinks: true, maxBytes: SMALL_FILE_BYTES });
  return text === undefined ? undefined : parseSecretKey(text, file);
}

export async function requireIdentity(data: string): Promise<DeviceIdentity> {
  const id = await loadIdentity(data);
  if (!id) {
    throw new KagiError(
      'no-identity',
      `this device has no kagi identity (${identityPath(data)} is missing)`,
      'run `kagi member request` to create one and ask an owner to approve it, or set KAGI_PROJECT_KEY',
    );
  }
  return id;
}

/** Creates the identity once; if another process won the race, its key is used. */
export async function loadOrCreateIdentity(data: string): Promise<DeviceIdentity> {
  const existing = await loadIdentity(data);
  if (existing) return existing;
  const file = identityPath(data);
  ensurePrivateDir(path.dirname(file));
  const secretKey = generateAgeIdentity();
  try {
    fs.writeFileSync(file, secretKey, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('create', file, e);
    return requireIdentity(data);
  }
  return { secretKey, recipient: recipientOf(secretKey), file };
}

function parseSecretKey(text: string, file: string): string {
  // Like Rust: the whole trimmed file is one key; comment lines are an error.
  const secretKey = text.trim();
  if (!IDENTITY.test(secretKey)) {
    throw new KagiError(
      'no-identity',
      `${file} is not a bare age X25519 identity (AGE-SECRET-KEY-1…)`,
      'remove comment lines and keep only the AGE-SECRET-KEY-1… line',
    );
  }
  // The right shape with a wrong Bech32 checksum: a character changed since it was written.
  if (!isAgeIdentity(secretKey)) {
    throw new KagiError(
      'no-identity',
      `${file} holds an age identity whose checksum does not match (a character of it was changed)`,
      'restore the file from a backup; without one, move it aside and run `kagi member request` for a new identity',
    );
  }
  return secretKey;
}
