import * as fs from 'node:fs';
import * as path from 'node:path';
import { ioError, KagiError } from '../errors';
import { ensurePrivateDir, orphanTemps, tempPathFor, writeTempDurably } from './files';
import type { FileText } from './textPieces';

const isWindows = process.platform === 'win32';

/** File operations in flight at once: enough to keep the disk busy, far below any fd limit. */
const MAX_IN_FLIGHT = 32;

interface Staged {
  tmp: string;
  text: FileText;
  /** the temp created, written and flushed */
  written: Promise<void>;
}

/**
 * Many vault files replaced together (a rotation's hundreds of stores), each
 * atomically: `add` queues the creation of a temp file beside its target, its write
 * and its flush on the thread pool, in parallel (they share the filesystem's journal
 * commits) while the caller goes on; `commit` waits for them, renames every temp over
 * its target and flushes the folders. Temps are not vault files: until `commit`
 * nothing a reader sees has changed, and `discard` removes them. The caller holds
 * the project lock.
 */
export class AtomicBatch {
  private readonly staged = new Map<string, Staged>();
  private readonly dirs = new Map<string, Map<string, string[]>>();
  private readonly io = new IoSlots();
  /** temps replaced by a later `add`, removed once their write has settled */
  private readonly retired: Promise<void>[] = [];
  private committed = false;

  /** Stages `text` for `file` (replacing what was staged for it). */
  add(file: string, text: FileText): void {
    const previous = this.staged.get(file);
    if (previous) this.retired.push(settled(previous.written).then(() => removeTemp(previous.tmp)));
    this.removeOrphansOf(file);
    const tmp = tempPathFor(file);
    this.staged.set(file, { tmp, text, written: this.io.run(() => writeTempDurably(tmp, file, text)) });
  }

  /** Stages `text` for `file` unless that very text (pieces: that very array) is staged for it already. */
  ensure(file: string, text: FileText): void {
    if (this.staged.get(file)?.text !== text) this.add(file, text);
  }

  /** Waits until every temp is on disk; throws the first failure (then only `discard` is left). */
  async ready(): Promise<void> {
    await settleAll([...this.retired, ...[...this.staged.values()].map((s) => s.written)]);
  }

  /**
   * `inOrder`: rename in the order the files were added, so a crash between two renames
   * leaves only a prefix replaced (a blob before the index that lists it).
   */
  async commit(opts: { inOrder?: boolean } = {}): Promise<void> {
    await this.ready();
    const rename = async ([file, s]: [string, Staged]) => {
      try {
        await fs.promises.rename(s.tmp, file);
      } catch (e) {
        throw ioError('write', file, e);
      }
    };
    const entries = [...this.staged];
    if (opts.inOrder) for (const entry of entries) await rename(entry);
    // Independent renames run in parallel; all-or-nothing comes from the rotation journal.
    else await settleAll(entries.map(rename));
    this.committed = true;
    if (!isWindows) await settleAll([...this.dirs.keys()].map((dir) => this.io.run(() => fsyncPath(dir, 'dir'))));
  }

  /** Removes every temp not yet renamed, once no write is in flight; a no-op after `commit`. */
  async discard(): Promise<void> {
    if (this.committed) return;
    const staged = [...this.staged.values()];
    this.staged.clear();
    await Promise.allSettled([...this.retired, ...staged.map((s) => s.written)]);
    for (const s of staged) removeTemp(s.tmp);
  }

  /** Temps of this target left by a writer that died (every writer holds the lock). */
  private removeOrphansOf(file: string): void {
    const dir = path.dirname(file);
    let orphans = this.dirs.get(dir);
    if (!orphans) {
      ensurePrivateDir(dir);
      orphans = orphanTemps(dir);
      this.dirs.set(dir, orphans);
    }
    const name = path.basename(file);
    for (const tmp of orphans.get(name) ?? []) removeTemp(path.join(dir, tmp));
    orphans.delete(name);
  }
}

/**
 * `entries` as one batch: every target replaced, or (failing before the renames) none. Every
 * temp is written in full before the first rename, so a write that fails part-way (a full
 * disk, a file size limit, a folder we may not write) changes no target.
 *
 * `staged`: a batch the caller began filling earlier (a rotation stages each store as it is
 * sealed); an entry it holds with exactly that text is not written again.
 */
export async function writeFilesAtomic(
  entries: Iterable<readonly [string, FileText]>,
  opts: { inOrder?: boolean; staged?: AtomicBatch } = {},
): Promise<void> {
  const batch = opts.staged ?? new AtomicBatch();
  try {
    for (const [file, text] of entries) batch.ensure(file, text);
    await batch.commit(opts);
  } finally {
    await batch.discard();
  }
}

/**
 * Waits for every operation, then throws the first failure: nothing is left running
 * (no rename racing a discard, no lock released with I/O in flight).
 */
async function settleAll(work: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

function removeTemp(tmp: string): void {
  fs.rmSync(tmp, { force: true });
}

/** A promise that settles when `work` does, never rejecting (its failure is observed elsewhere). */
function settled(work: Promise<unknown>): Promise<void> {
  return work.then(
    () => {},
    () => {},
  );
}

/** File operations at most MAX_IN_FLIGHT at a time, started in the order asked. */
class IoSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  run(op: () => Promise<void>): Promise<void> {
    const done = this.slot()
      .then(op)
      .finally(() => this.release());
    done.catch(() => {}); // observed by ready/commit; a discarded batch ignores it
    return done;
  }

  private slot(): Promise<void> {
    if (this.running < MAX_IN_FLIGHT) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

async function fsyncPath(p: string, kind: 'file' | 'dir'): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    // Windows flushes a file only through a handle that may write (FlushFileBuffers); folders open read-only.
    handle = await fs.promises.open(p, kind === 'file' ? 'r+' : 'r');
    await handle.sync();
  } catch (e) {
    throw e instanceof KagiError ? e : ioError('flush', p, e);
  } finally {
    await handle?.close();
  }
}
