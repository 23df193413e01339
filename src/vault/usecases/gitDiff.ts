// `git diff` of a store: Git's textconv driver. It must never make Git fail, so it always answers.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { describeError } from '../errors';
import type { HostEnv } from '../device/dataDir';
import { fingerprintKey } from '../git/fingerprint';
import { KeyRing, trackedKagiDirs } from '../git/keyRing';
import { renderStore } from '../git/render';
import { gitTopLevel } from '../git/run';
import { classifySealed, MAX_STORE_BYTES, printable } from '../git/sealed';

/**
 * The text Git diffs for one blob (`file` is the temporary file Git hands a textconv). Whatever
 * the input, the answer is text: a store's keys, or one line in words saying why not.
 */
export async function textconvStore(file: string, cwd: string, host: HostEnv): Promise<string> {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return line('not a regular file');
    if (stat.size > MAX_STORE_BYTES) return line(`${stat.size} bytes: too large for a kagi store`);
    const bytes = fs.readFileSync(file);
    const blob = classifySealed(bytes);
    if (blob.kind === 'not-a-store') return line(blob.why);
    if (blob.kind === 'artifact')
      return line(`an encrypted file artifact (kind ${blob.artifactKind}); its content is not shown`);
    const gitRoot = gitTopLevel(cwd) ?? cwd;
    const ring = new KeyRing({ gitRoot, kagiDirs: trackedKagiDirs(gitRoot), host });
    const opened = await ring.open(blob.envelope, [blob.storedScope]);
    if (!opened) {
      const scope = blob.storedScope ? `store of ${printable(blob.storedScope)}` : 'store';
      // The ciphertext's hash tells a changed blob from an unchanged one without revealing anything.
      const id = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
      return line(`encrypted ${scope} (ciphertext ${id}): this device holds no project key that opens it`);
    }
    return renderStore(opened.scope, opened.store, fingerprintKey((await ring.newest()) ?? opened.key));
  } catch (e) {
    return line(`could not read this store: ${describeError(e)}`);
  }
}

const line = (why: string) => `# kagi: ${why}\n`;
