import { Decrypter, Encrypter } from 'age-encryption';
import { KagiError } from '../errors';
import { encodeBase64 } from '../format/encoding';
import { X25519_RECIPIENT } from '../device/identity';
import { KEY_BYTES } from './seal';

/**
 * kagi wraps the key for one recipient per member entry; age tries an identity against every
 * stanza, each an X25519 operation, so a committed wrap with 20,000 of them costs seconds per
 * command. A few are tolerated (another tool's multi-recipient wrap), thousands are an attack.
 */
export const MAX_STANZAS_PER_WRAP = 16;

/** Who a wrap belongs to, for messages: an active member's entry needs a different fix than a request. */
export interface WrapOwner {
  memberId: string;
  name: string;
  status: string;
}

/** The project key as a binary (unarmored) age file for one recipient, base64. */
export async function wrapProjectKey(key: Uint8Array, recipient: string, owner?: WrapOwner): Promise<string> {
  if (!X25519_RECIPIENT.test(recipient)) {
    throw new KagiError(
      'bad-access',
      `${owner ? `member ${owner.memberId} (${owner.name}): ` : ''}recipient ${recipient} is not an age X25519 recipient (age1…)`,
      owner?.status === 'active'
        ? `its entry in access.json was written by another tool or edited: remove the member (\`kagi member remove ${owner.memberId}\`) and have them request access again, then retry`
        : 'ask the requester to run `kagi member request` again with a current kagi',
    );
  }
  const e = new Encrypter();
  e.addRecipient(recipient);
  return encodeBase64(await e.encrypt(key));
}

/** The key inside a wrap, or undefined when this identity is not its recipient. */
export async function unwrapProjectKey(
  wrapped: Uint8Array,
  secretKey: string,
  whose = 'a wrapped key in access.json',
): Promise<Uint8Array | undefined> {
  const stanzas = countStanzas(wrapped);
  if (stanzas > MAX_STANZAS_PER_WRAP) {
    throw new KagiError(
      'bad-access',
      `${whose} holds ${stanzas} recipient stanzas, more than the limit of ${MAX_STANZAS_PER_WRAP} (kagi writes one)`,
      'someone edited .kagi/access.json: restore it from Git and check who changed it',
    );
  }
  const d = new Decrypter();
  d.addIdentity(secretKey);
  try {
    const key = await d.decrypt(wrapped);
    return key.length === KEY_BYTES ? key : undefined;
  } catch {
    return undefined;
  }
}

const STANZA = Buffer.from('\n-> ');
const HEADER_END = Buffer.from('\n---');

/** The `-> ` lines of an age header, counted without parsing or trying any of them. */
export function countStanzas(wrapped: Uint8Array): number {
  const bytes = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
  const end = bytes.indexOf(HEADER_END);
  const header = end < 0 ? bytes : bytes.subarray(0, end);
  let count = 0;
  for (let at = header.indexOf(STANZA); at >= 0; at = header.indexOf(STANZA, at + 1)) count++;
  return count;
}
