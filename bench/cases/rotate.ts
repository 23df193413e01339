import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, approveMember, removeMember, requestAccess } from '../../src/vault';
import { compare } from '../measure';
import { medians, ratioResult, type BenchResult } from '../result';
import { device, tempDir, type BenchVault } from '../fixtures';

/** Four more devices, each requested and approved: five active members. */
export async function addMembers(v: BenchVault, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = await requestAccess(Project.open(v.root, device(`member${i}`)), { name: `member${i}` });
    await approveMember(Project.open(v.root, v.host), m.memberId);
    ids.push(m.memberId);
  }
  return ids;
}

export async function benchRotate(v: BenchVault, plainDir: string): Promise<BenchResult[]> {
  const ids = await addMembers(v, 4);
  const pristine = tempDir('pristine');
  fs.cpSync(v.root, pristine, { recursive: true });
  const plainFiles = fs
    .readdirSync(plainDir)
    .map((f) => [path.join(plainDir, f), fs.readFileSync(path.join(plainDir, f))] as const);
  const reset = () => {
    fs.rmSync(path.join(v.root, '.kagi'), { recursive: true });
    fs.cpSync(path.join(pristine, '.kagi'), path.join(v.root, '.kagi'), { recursive: true });
    // Untimed: the copy's dirty pages would otherwise be flushed by the rotation's own fsyncs.
    if (process.platform !== 'win32') execFileSync('sync');
  };
  const rotate = () => removeMember(Project.open(v.root, v.host), ids[0]!);
  const rewrite = () => {
    for (const [file, data] of plainFiles) fs.writeFileSync(file, data);
  };
  const durable = () => rewriteDurably(plainFiles);
  const plain = await compare(rotate, rewrite, { runs: 5, before: reset });
  // Nine pairs, not five: the floor is fsync-bound and moved 290–890 ms between runs in one hour on
  // the team's machine (bench/README.md, round 7); more pairs steady the medians, not the ratio's level.
  const floor = await compare(rotate, durable, { runs: 9, before: reset });
  const detail = { members: 5, scopes: v.scopes.length };
  return [
    ratioResult(
      'rotate_vs_durable_rewrite',
      floor.ratio,
      `${plainFiles.length} plaintext files rewritten durably (temp, fsync, rename, folder fsync): ${floor.baseline.medianMs.toFixed(1)} ms`,
      1.3,
      medians(floor, detail),
    ),
    ratioResult(
      'rotate_vs_plain_rewrite',
      plain.ratio,
      `rewrite ${plainFiles.length} plaintext files in place: ${plain.baseline.medianMs.toFixed(1)} ms`,
      undefined,
      medians(plain, detail),
    ),
  ];
}

/** The floor of any crash-safe rewrite of these files: what a rotation can't do without. */
function rewriteDurably(files: (readonly [string, Buffer])[]): void {
  const dirs = new Set<string>();
  for (const [file, data] of files) {
    const temp = `${file}.bench-tmp`;
    const fd = fs.openSync(temp, 'w', 0o600);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    dirs.add(path.dirname(file));
  }
  for (const dir of dirs) {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
