import { Decrypter, Encrypter } from 'age-encryption';
import { KagiError } from '../errors';
import { encodeBase64 } from '../format/encoding';
import { X25519_RECIPIENT } from '../device/identity';
import { KEY_BYTES } from './seal';

/** The project key as a binary (unarmored) age file for one recipient, base64. */
export async function wrapProjectKey(key: Uint8Array, recipient: string): Promise<string> {
  if (!X25519_RECIPIENT.test(recipient)) {
    throw new KagiError(
      'bad-access',
      `recipient ${recipient} is not an age X25519 recipient (age1…)`,
      'ask the requester to run `kagi member request` again with a current kagi',
    );
  }
  const e = new Encrypter();
  e.addRecipient(recipient);
  return encodeBase64(await e.encrypt(key));
}

/** The key inside a wrap, or undefined when this identity is not its recipient. */
export async function unwrapProjectKey(wrapped: Uint8Array, secretKey: string): Promise<Uint8Array | undefined> {
  const d = new Decrypter();
  d.addIdentity(secretKey);
  try {
    const key = await d.decrypt(wrapped);
    return key.length === KEY_BYTES ? key : undefined;
  } catch {
    return undefined;
  }
}
