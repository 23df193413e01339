import * as fs from 'node:fs';
import * as path from 'node:path';
import * as dotenv from 'dotenv';
import { MASK, Project, readSelectionKeys } from '../../src/vault';
import { keyNamesPath } from '../../src/vault/usecases/keyNames';
import { compare } from '../measure';
import { medians, ratioResult, type BenchResult } from '../result';
import type { BenchVault } from '../fixtures';

/**
 * What `kagi get` shows: every key of every scope, masked, read as `kagi get` reads it (names
 * only since issue 17's round 4: `readSelectionKeys`; before, every store was parsed whole,
 * values included). Since round 10 the device remembers the names of each store text it
 * opened (src/vault/usecases/keyNames.ts): after the warm-up, a run decrypts no store.
 * `forgetKeyNames` makes the next run decrypt every store, as the first listing on a device does.
 */
export async function openAndList(v: BenchVault): Promise<string[]> {
  const listed = await readSelectionKeys(Project.open(v.root, v.host), { kind: 'all' });
  const rows: string[] = [];
  for (const [scope, keys] of listed) {
    for (const key of keys.names()) rows.push(`${scope} ${key} ${MASK}`);
  }
  return rows;
}

/** Removes the device's key names of the bench vault: the next listing decrypts every store. */
export function forgetKeyNames(v: BenchVault): void {
  const project = Project.open(v.root, v.host);
  fs.rmSync(keyNamesPath(project, project.config()), { force: true });
}

export function plaintextList(dir: string): string[] {
  const rows: string[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const parsed = dotenv.parse(fs.readFileSync(path.join(dir, file)));
    const scope = file.slice(0, -4).replace('__', '/');
    for (const key of Object.keys(parsed).sort()) rows.push(`${scope} ${key} ${MASK}`);
  }
  return rows;
}

export function benchOpenList(v: BenchVault, plainDir: string): Promise<BenchResult> {
  return compareOpenList(v, plainDir, 'open_list_vs_dotenv', 1.2);
}

/**
 * The same listing with the device's key names forgotten before each run (outside the timing;
 * the baseline never reads them): every store decrypted, as the first listing on a device.
 */
export function benchOpenListCold(v: BenchVault, plainDir: string): Promise<BenchResult> {
  return compareOpenList(v, plainDir, 'open_list_cold_vs_dotenv', undefined, () => forgetKeyNames(v));
}

async function compareOpenList(
  v: BenchVault,
  plainDir: string,
  id: string,
  goal: number | undefined,
  before?: () => void,
): Promise<BenchResult> {
  const expected = plaintextList(plainDir).length;
  const got = (await openAndList(v)).length;
  if (got !== expected) throw new Error(`${id}: listed ${got} rows, the baseline ${expected}`);
  const r = await compare(
    () => openAndList(v),
    () => plaintextList(plainDir),
    { runs: 7, collect: true, before },
  );
  return ratioResult(
    id,
    r.ratio,
    `read + dotenv.parse of ${v.scopes.length} plaintext files: ${r.baseline.medianMs.toFixed(1)} ms`,
    goal,
    medians(r, { rows: got }),
  );
}

/** open_list at a larger scale divided by the same at 30k: ≤ 1.1 means the cost grows linearly. */
export function scaleResult(base: BenchResult, large: BenchResult): BenchResult {
  return ratioResult(
    'scale_open_list',
    large.value / base.value,
    `open_list_vs_dotenv at 30k secrets (${base.value}×); at ${large.detail?.rows} rows: ${large.value}×`,
    1.1,
    { base_ratio: base.value, large_ratio: large.value, large_rows: large.detail?.rows ?? 0 },
  );
}
