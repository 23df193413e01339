import { randomBytes } from 'node:crypto';
import { KagiError } from '../errors';

export type SecretFormat = 'hex' | 'base64url' | 'alphanumeric';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 248 = 4 × 62: bytes at or above it are dropped so every character is equally likely. */
const ALNUM_LIMIT = 248;

export const MIN_LENGTH = 8;
export const MAX_LENGTH = 4096;

/** A random secret of exactly `length` characters from the operating system's CSPRNG. */
export function generateSecret(format: SecretFormat, length: number): string {
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > MAX_LENGTH) {
    throw new KagiError('usage', `secret length must be a whole number from ${MIN_LENGTH} to ${MAX_LENGTH}`);
  }
  switch (format) {
    case 'hex':
      return randomBytes(Math.ceil(length / 2))
        .toString('hex')
        .slice(0, length);
    case 'base64url':
      return randomBytes(Math.ceil((length * 3) / 4) + 1)
        .toString('base64url')
        .slice(0, length);
    case 'alphanumeric':
      return alphanumeric(length);
  }
}

function alphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      if (b < ALNUM_LIMIT && out.length < length) out += ALNUM[b % ALNUM.length];
    }
  }
  return out;
}

/** Bits of entropy, shown so people can pick a sensible length. */
export function entropyBits(format: SecretFormat, length: number): number {
  const perChar = format === 'hex' ? 4 : format === 'base64url' ? 6 : Math.log2(ALNUM.length);
  return Math.floor(perChar * length);
}
