// The Rust CLI's rotation gap (docs/format.md §7.5): its `member remove` re-encrypts stores
// but not files/, which stays under the previous project key. This device can get that key
// back when it was a member before the rotation: its wrap is in access.json as committed in
// an earlier Git revision. Everything read from Git is bounded and parsed as hostile.
import { spawnSync } from 'node:child_process';
import { bytesToHex } from '../format/encoding';
import { parseAccessList } from '../format/access';
import { findMyMembership } from '../device/projectKey';

/** Revisions of access.json looked at, newest first; a rotation is rarely more than a few back. */
const MAX_REVISIONS = 200;
const MAX_ACCESS_BYTES = 1024 * 1024;

function git(root: string, args: string[], maxBuffer: number): string | undefined {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer, timeout: 20_000 });
  return r.status === 0 && !r.error ? r.stdout : undefined;
}

/** Commits that changed `.kagi/access.json`, newest first (none when not a Git work tree). */
function accessRevisions(projectRoot: string): string[] {
  const out = git(
    projectRoot,
    ['log', `--max-count=${MAX_REVISIONS}`, '--format=%H', '--', '.kagi/access.json'],
    MAX_REVISIONS * 64,
  );
  return (out ?? '').split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
}

/**
 * Every distinct project key this identity unwraps from access.json in Git history (newest
 * first), skipping `current`. A revision that does not parse, or where this device was not an
 * active member, gives nothing.
 */
export async function earlierKeys(projectRoot: string, secretKey: string, current: Uint8Array): Promise<Uint8Array[]> {
  const seen = new Set([bytesToHex(current)]);
  const keys: Uint8Array[] = [];
  for (const rev of accessRevisions(projectRoot)) {
    const text = git(projectRoot, ['show', `${rev}:./.kagi/access.json`], MAX_ACCESS_BYTES);
    if (text === undefined) continue;
    try {
      const found = await findMyMembership(parseAccessList(text), { secretKey });
      const hex = found && bytesToHex(found.key);
      if (found && !seen.has(hex!)) {
        seen.add(hex!);
        keys.push(found.key);
      }
    } catch {
      continue; // a damaged revision is no evidence: try the older ones
    }
  }
  return keys;
}
