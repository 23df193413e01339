// `git diff` of a store: Git's textconv driver, and the same rendering of any revision for the
// editor's diff view. It must never make Git fail, so it always answers with text.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError } from '../errors';
import type { HostEnv } from '../device/dataDir';
import { fingerprintKey } from '../git/fingerprint';
import { KeyRing, trackedKagiDirs } from '../git/keyRing';
import { renderStore } from '../git/render';
import { gitTopLevel, readBlob } from '../git/run';
import { classifySealed, MAX_STORE_BYTES, printable } from '../git/sealed';
import { pathInRepo } from '../git/vaultPath';

/**
 * The text Git diffs for one blob (`file` is the temporary file Git hands a textconv). Whatever
 * the input, the answer is text: a store's keys, or one line in words saying why not.
 */
export async function textconvStore(file: string, cwd: string, host: HostEnv): Promise<string> {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return line('not a regular file');
    if (stat.size > MAX_STORE_BYTES) return line(`${stat.size} bytes: too large for a kagi store`);
    return await renderSealed(fs.readFileSync(file), gitTopLevel(cwd) ?? cwd, host);
  } catch (e) {
    return line(`could not read this store: ${describeError(e)}`);
  }
}

/** Which bytes of a store to render: a revision's (`HEAD`, a commit id, `:2`), or a blob Git named. */
export type StoreSource = { revision: string } | { blob: string; size?: number };

/**
 * A store file as the textconv renders it, at a revision or blob or, without one, as it is in
 * the working tree. For the editor's diff view.
 */
export async function storeRendering(file: string, host: HostEnv, source?: StoreSource): Promise<string> {
  try {
    const gitRoot = gitTopLevel(path.dirname(file));
    if (source === undefined || gitRoot === undefined) return await textconvStore(file, path.dirname(file), host);
    if ('blob' in source) {
      // The size comes from Git (ls-tree): a huge blob is refused before it is read.
      if (!/^[0-9a-f]{40,64}$/.test(source.blob)) return line('not a blob id');
      if ((source.size ?? 0) > MAX_STORE_BYTES) return line(`${source.size} bytes: too large for a kagi store`);
    }
    const spec = 'blob' in source ? source.blob : `${source.revision}:${pathInRepo(gitRoot, file)}`;
    const bytes = readBlob(gitRoot, spec);
    const where = 'blob' in source ? source.blob.slice(0, 12) : printable(source.revision, 60);
    return bytes === undefined ? line(`not in ${where}`) : await renderSealed(bytes, gitRoot, host);
  } catch (e) {
    return line(`could not read this store: ${describeError(e)}`);
  }
}

async function renderSealed(bytes: Buffer, gitRoot: string, host: HostEnv): Promise<string> {
  const blob = classifySealed(bytes);
  if (blob.kind === 'not-a-store') return line(blob.why);
  if (blob.kind === 'artifact')
    return line(`an encrypted file artifact (kind ${blob.artifactKind}); its content is not shown`);
  const ring = new KeyRing({ gitRoot, kagiDirs: trackedKagiDirs(gitRoot), host });
  const opened = await ring.open(blob.envelope, [blob.storedScope]);
  if (!opened) {
    const scope = blob.storedScope ? `store of ${printable(blob.storedScope)}` : 'store';
    // The ciphertext's hash tells a changed blob from an unchanged one without revealing anything.
    const id = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    return line(`encrypted ${scope} (ciphertext ${id}): this device holds no project key that opens it`);
  }
  return renderStore(opened.scope, opened.store, fingerprintKey((await ring.newest()) ?? opened.key));
}

const line = (why: string) => `# kagi: ${why}\n`;
