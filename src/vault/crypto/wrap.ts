import { countStanzas, openAgeFile, sealAgeFile } from './ageFile';
import { isAgeRecipient, parseAgeIdentity, type AgeIdentity } from './ageKeys';
import { KagiError } from '../errors';
import { encodeBase64 } from '../format/encoding';
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
  // Prefix, alphabet, length and Bech32 checksum: an edited recipient is refused here.
  if (!isAgeRecipient(recipient)) {
    throw new KagiError(
      'bad-access',
      `${owner ? `member ${owner.memberId} (${owner.name}): ` : ''}recipient ${recipient} is not an age X25519 recipient (age1…)`,
      owner?.status === 'active'
        ? `its entry in access.json was written by another tool or edited: remove the member (\`kagi member remove ${owner.memberId}\`) and have them request access again, then retry`
        : 'ask the requester to run `kagi member request` again with a current kagi',
    );
  }
  return encodeBase64(sealAgeFile(key, recipient));
}

/**
 * The key inside a wrap, or undefined when this identity is not its recipient, or the wrap is
 * damaged or holds anything but a 32-byte key. `identity` may be decoded once (parseAgeIdentity)
 * for a walk over many wraps.
 */
export async function unwrapProjectKey(
  wrapped: Uint8Array,
  identity: string | AgeIdentity,
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
  const id = typeof identity === 'string' ? parseAgeIdentity(identity) : identity;
  try {
    const key = openAgeFile(wrapped, id);
    return key?.length === KEY_BYTES ? key : undefined;
  } catch {
    return undefined;
  }
}
