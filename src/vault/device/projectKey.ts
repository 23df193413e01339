import { KagiError } from '../errors';
import { bytesToHex, decodeBase64Strict, hexToBytes } from '../format/encoding';
import * as fs from 'node:fs';
import { readTextIfExists, SMALL_FILE_BYTES, writeFileAtomic } from '../disk/files';
import { keyCachePath } from './dataDir';
import { loadSecretKey, recipientOf } from './identity';
import { unwrapProjectKey } from '../crypto/wrap';
import { parseAgeIdentity, type AgeIdentity } from '../crypto/ageKeys';
import type { AccessList, Member } from '../format/access';

export type KeySource = 'KAGI_PROJECT_KEY' | 'KAGI_PROJECT_KEY_FILE' | 'device identity' | 'key cache';

export interface ResolvedKey {
  key: Uint8Array;
  source: KeySource;
  /** the member whose wrap this device opened (identity source only) */
  member?: Member;
}

/** What the key search needs; access is read lazily because env keys never need it. */
export interface KeyContext {
  env: Record<string, string | undefined>;
  dataDir: string;
  projectId: string;
  readAccess: () => AccessList;
}

/** 64 hex chars, either case, surrounding whitespace ignored; anything else is refused. */
export function parseKeyText(text: string, origin: string): Uint8Array {
  const hex = text.trim();
  const key = hex.length === 64 ? hexToBytes(hex) : undefined;
  if (!key) {
    throw new KagiError(
      'bad-key',
      `invalid project key in ${origin}: expected 64 hex characters`,
      `fix or unset ${origin}`,
    );
  }
  return key;
}

/** The order of docs/format.md §6.4: env > env file > identity unwrap > cached key file (the keychain is the Rust CLI's). */
export async function resolveProjectKey(ctx: KeyContext): Promise<ResolvedKey> {
  const fromEnv = keyFromEnvironment(ctx.env);
  if (fromEnv) return fromEnv;
  let identityError: KagiError;
  try {
    return await keyFromIdentity(ctx);
  } catch (e) {
    if (!(e instanceof KagiError)) throw e;
    identityError = e;
  }
  const cached = readTextIfExists(keyCachePath(ctx.dataDir, ctx.projectId), { maxBytes: SMALL_FILE_BYTES });
  if (cached !== undefined)
    return { key: parseKeyText(cached, keyCachePath(ctx.dataDir, ctx.projectId)), source: 'key cache' };
  throw identityError;
}

export function keyFromEnvironment(env: Record<string, string | undefined>): ResolvedKey | undefined {
  const inline = env.KAGI_PROJECT_KEY;
  if (inline !== undefined) return { key: parseKeyText(inline, 'KAGI_PROJECT_KEY'), source: 'KAGI_PROJECT_KEY' };
  const file = env.KAGI_PROJECT_KEY_FILE;
  if (file === undefined) return undefined;
  // A path the person set (a mounted secret is often a link), never more than a key's worth.
  const text = readTextIfExists(file, { followLinks: true, maxBytes: SMALL_FILE_BYTES });
  if (text === undefined) {
    throw new KagiError(
      'bad-key',
      `KAGI_PROJECT_KEY_FILE points to ${file}, which does not exist`,
      'fix or unset KAGI_PROJECT_KEY_FILE',
    );
  }
  return { key: parseKeyText(text, `KAGI_PROJECT_KEY_FILE (${file})`), source: 'KAGI_PROJECT_KEY_FILE' };
}

async function keyFromIdentity(ctx: KeyContext): Promise<ResolvedKey> {
  const secretKey = loadSecretKey(ctx.dataDir);
  if (secretKey === undefined) {
    throw new KagiError(
      'no-identity',
      `this device has no kagi identity yet`,
      'run `kagi member request` and ask an owner to approve, or set KAGI_PROJECT_KEY',
    );
  }
  const access = ctx.readAccess();
  const found = await findMyMembership(access, { secretKey });
  if (found) return { ...found, source: 'device identity' };
  throw notAMember(ctx.projectId, access, recipientOf(secretKey));
}

/**
 * The first active member whose wrap this identity opens, walking in stored order.
 * Invalid base64 aborts the walk, as in Rust.
 */
export async function findMyMembership(
  access: AccessList,
  identity: { secretKey: string },
): Promise<{ key: Uint8Array; member: Member } | undefined> {
  let mine: AgeIdentity | undefined; // decoded on the first wrap: its public key costs an X25519 operation
  for (const member of access.members) {
    if (member.status !== 'active' || !member.wrappedKey) continue;
    const wrapped = decodeBase64Strict(member.wrappedKey);
    if (!wrapped) {
      throw new KagiError(
        'bad-access',
        `access.json: wrapped_key of member ${member.memberId} is not valid base64`,
        'restore .kagi/access.json from Git',
      );
    }
    mine ??= parseAgeIdentity(identity.secretKey);
    const key = await unwrapProjectKey(wrapped, mine, `the wrapped key of member ${member.memberId}`);
    if (key) return { key, member };
  }
  return undefined;
}

function notAMember(projectId: string, access: AccessList, recipient: string): KagiError {
  const pending = access.members.find((m) => m.status === 'pending' && m.recipient === recipient);
  if (pending) {
    return new KagiError(
      'not-a-member',
      `your access request ${pending.memberId} to ${projectId} is still pending`,
      'ask an owner to approve it (`kagi member approve ' + pending.memberId + '`), then pull the updated access.json',
    );
  }
  const removed = access.members.find((m) => m.status === 'removed' && m.recipient === recipient);
  if (removed) {
    return new KagiError(
      'not-a-member',
      `this device's membership ${removed.memberId} in ${projectId} was removed`,
      'run `kagi member request` and ask an owner to approve it again',
    );
  }
  return new KagiError(
    'not-a-member',
    `this device is not an active member of ${projectId}`,
    'run `kagi member request` and ask an owner to approve, or set KAGI_PROJECT_KEY',
  );
}

/**
 * We never create the plaintext key cache (the identity always suffices), but
 * one left by the Rust CLI must not go stale after a rotation.
 */
export function refreshKeyCache(data: string, projectId: string, key: Uint8Array): void {
  const file = keyCachePath(data, projectId);
  if (fs.existsSync(file)) writeFileAtomic(file, bytesToHex(key));
}
