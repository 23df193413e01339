// The watcher's "did this vault change since we announced it?" check (src/extension/vaultChanges.ts,
// plain Node: no vscode import).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnnouncedStates, diskState, RACY_MS, sameState } from '../../src/extension/vaultChanges';
import { tempDir } from './helpers';

function kagiDir(): string {
  const dir = path.join(tempDir('kagi-changes-'), '.kagi');
  fs.mkdirSync(path.join(dir, 'stores'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'kagi.json'), '{"version":1}');
  fs.writeFileSync(path.join(dir, 'stores', 'api.development.json'), 'ciphertext-AAAA');
  coarse(dir, 0);
  return dir;
}

/** Whole-second mtimes `agoMs` back, as on a file system with coarse timestamps. */
function coarse(dir: string, agoMs: number): void {
  const t = Math.floor((Date.now() - agoMs) / 1000);
  for (const rel of ['kagi.json', 'stores/api.development.json']) fs.utimesSync(path.join(dir, rel), t, t);
}

/** Overwrites in place (same inode, like the Rust CLI) and puts the old mtime back: a write within one timestamp tick. */
function overwriteWithinTick(file: string, text: string): void {
  const before = fs.statSync(file);
  fs.writeFileSync(file, text);
  fs.utimesSync(file, before.mtimeMs / 1000, before.mtimeMs / 1000);
  const after = fs.statSync(file);
  assert.equal(after.ino, before.ino);
  assert.equal(after.size, before.size);
  assert.equal(after.mtimeMs, before.mtimeMs);
}

describe('vaultChanges: which vaults the .kagi/ watcher announces', () => {
  it('a vault open at activation and deleted before any announcement is reported', () => {
    const dir = kagiDir();
    const states = new AnnouncedStates([dir]);
    fs.rmSync(dir, { recursive: true });
    assert.deepEqual(states.changed([]), { changed: [], folders: true });
    assert.deepEqual(states.changed([]), { changed: [], folders: false }, 'reported again without a new change');
  });

  it('a vault that appears is reported, and so is one that disappears after an announcement', () => {
    const dir = kagiDir();
    const states = new AnnouncedStates([]);
    assert.deepEqual(states.changed([dir]), { changed: [dir], folders: true });
    states.remember([dir]);
    assert.deepEqual(states.changed([]), { changed: [], folders: true });
  });

  it('our own announced write is not reported again (even right after it, when the stat is racy)', () => {
    const dir = kagiDir();
    const states = new AnnouncedStates([dir]);
    assert.deepEqual(
      states.changed([dir]),
      { changed: [dir], folders: false },
      'activation read no file: the first look reports it',
    );
    fs.writeFileSync(path.join(dir, 'stores', 'api.staging.json'), 'ciphertext-BBBB');
    states.remember([dir]);
    fs.writeFileSync(path.join(dir, '.lock'), 'pid');
    fs.writeFileSync(path.join(dir, 'stores', 'x.json.tmp'), 'partial');
    assert.deepEqual(states.changed([dir]), { changed: [], folders: false });
  });

  it('a same-length in-place overwrite within one mtime tick is reported (racy clean)', () => {
    const dir = kagiDir();
    const states = new AnnouncedStates([dir]);
    states.remember([dir]); // as after a command's write
    overwriteWithinTick(path.join(dir, 'stores', 'api.development.json'), 'ciphertext-CCCC');
    assert.deepEqual(states.changed([dir]).changed, [dir]);
  });

  it('a file older than the racy window is trusted by its stat alone', () => {
    const dir = kagiDir();
    coarse(dir, 10 * RACY_MS);
    const before = diskState(dir);
    assert.ok(
      [...before.values()].every((f) => f.digest === undefined),
      'an old file was read',
    );
    assert.equal(sameState(before, diskState(dir), dir), true);
    fs.appendFileSync(path.join(dir, 'kagi.json'), ' ');
    assert.equal(sameState(before, diskState(dir), dir), false, 'a size change was missed');
  });

  it('a racy file is judged by its bytes even when the next look finds it old', () => {
    const dir = kagiDir();
    const file = path.join(dir, 'stores', 'api.development.json');
    const before = diskState(dir);
    assert.ok(before.get('stores/api.development.json')?.digest, 'a just-written file was trusted by its stat');
    overwriteWithinTick(file, 'ciphertext-DDDD');
    const later = Date.now() + 10 * RACY_MS;
    assert.equal(sameState(before, diskState(dir, later), dir), false);
    overwriteWithinTick(file, 'ciphertext-AAAA');
    assert.equal(sameState(before, diskState(dir, later), dir), true);
  });
});

describe('vaultChanges: committed links and special files (issue 16)', () => {
  it('a recently modified link in .kagi/ is never followed: no digest of /proc/self/pagemap or of a file outside', () => {
    const dir = kagiDir();
    const outside = path.join(tempDir('kagi-outside-'), 'target');
    fs.writeFileSync(outside, 'outside bytes');
    fs.symlinkSync('/proc/self/pagemap', path.join(dir, 'stores', 'pagemap.json'));
    fs.symlinkSync(outside, path.join(dir, 'stores', 'outside.json'));
    const state = diskState(dir);
    // Both are "recently modified" (just created), so both got a digest: of nothing read.
    assert.equal(state.get('stores/pagemap.json')?.digest, 'unreadable');
    assert.equal(state.get('stores/outside.json')?.digest, 'unreadable');
    // Judged by the link itself: its own size, not the target's.
    assert.match(
      state.get('stores/outside.json')!.stat,
      new RegExp(`^${fs.lstatSync(path.join(dir, 'stores', 'outside.json')).size} `),
    );
  });
});
