import { KagiError } from './errors';
import { MAX_CONFIG_BYTES, readTextIfExists } from './disk/files';
import { accessSnapshotPath } from './device/dataDir';
import { parseAccessList, type AccessList } from './format/access';

/**
 * A member's recipient is its device's public key and never changes. If an active
 * member's recipient differs from the access.json this device last wrote, someone
 * edited it (e.g. in a pull request), and a rotation would hand the new key to
 * whoever holds the substituted identity. Without a snapshot there is nothing to
 * compare with, and the check passes.
 */
export function assertRecipientsUnchanged(dataDir: string, projectId: string, access: AccessList): void {
  const snapshot = readSnapshot(dataDir, projectId);
  if (!snapshot) return;
  const known = new Map(snapshot.members.map((m) => [m.memberId, m.recipient]));
  for (const m of access.members) {
    const before = known.get(m.memberId);
    if (m.status !== 'active' || before === undefined || before === m.recipient) continue;
    throw new KagiError(
      'bad-access',
      `the recipient of active member ${m.memberId} (${m.name}) changed since this device last wrote access.json`,
      'someone edited .kagi/access.json: check its Git history, restore the original recipient, and verify it with the member out of band before any rotation',
    );
  }
}

function readSnapshot(dataDir: string, projectId: string): AccessList | undefined {
  const text = readTextIfExists(accessSnapshotPath(dataDir, projectId), { maxBytes: MAX_CONFIG_BYTES });
  if (text === undefined) return undefined;
  try {
    return parseAccessList(text);
  } catch {
    return undefined; // a damaged snapshot is no evidence either way
  }
}
