// A `.enc` blob from Git, classified before anything tries to decrypt it: hostile input.
import { isUtf8 } from 'node:buffer';
import { KagiError } from '../errors';
import { ALGORITHM, parseEnvelope, type Envelope } from '../format/envelope';
import { decodeBase64Strict, hasConflictMarkers } from '../format/encoding';

/** The store files we read from Git are a few MiB at most; a bigger blob is not a store. */
export const MAX_STORE_BYTES = 32 * 1024 * 1024;

export type SealedBlob =
  | { kind: 'store'; envelope: Envelope; storedScope?: string }
  | { kind: 'artifact'; artifactKind: string }
  | { kind: 'not-a-store'; why: string };

const AAD_PREFIX = `kagi:v1:${ALGORITHM}:`;

/** What these bytes are, in words a person can act on; never quotes the content. */
export function classifySealed(bytes: Buffer): SealedBlob {
  if (bytes.length === 0) return { kind: 'not-a-store', why: 'empty file where a kagi store should be' };
  if (bytes.length > MAX_STORE_BYTES)
    return { kind: 'not-a-store', why: `${bytes.length} bytes: too large for a kagi store` };
  if (bytes.includes(0) || !isUtf8(bytes))
    return { kind: 'not-a-store', why: `binary data (${bytes.length} bytes) where a kagi store should be` };
  const text = bytes.toString('utf8');
  if (hasConflictMarkers(text))
    return {
      kind: 'not-a-store',
      why: 'unresolved Git conflict markers in an encrypted store (run `kagi git resolve`)',
    };
  let envelope: Envelope;
  try {
    envelope = parseEnvelope(text, 'store');
  } catch (e) {
    const why = e instanceof KagiError ? e.message.replace(/^store: /, '') : 'unreadable';
    return { kind: 'not-a-store', why: `not a kagi store: ${why}` };
  }
  if (envelope.kind !== undefined) return { kind: 'artifact', artifactKind: printable(envelope.kind, 40) };
  return { kind: 'store', envelope, storedScope: scopeFromAad(envelope.aad) };
}

/** The scope a store claims in its stored AAD; only a hint: opening checks it under authentication. */
function scopeFromAad(aad: string | undefined): string | undefined {
  const bytes = aad === undefined ? undefined : decodeBase64Strict(aad);
  if (!bytes) return undefined;
  const text = Buffer.from(bytes).toString('utf8');
  return text.startsWith(AAD_PREFIX) && text.length < 300 ? text.slice(AAD_PREFIX.length) : undefined;
}

/** Text from a file made safe for one terminal line: control characters escaped, length capped. */
export function printable(text: string, max = 200): string {
  const clean = text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
