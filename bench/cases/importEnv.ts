import * as dotenv from 'dotenv';
import { Project } from '../../src/vault';
import { applyImport, parseDotenv, planImport } from '../../src/vault';
import { compare } from '../measure';
import { medians, ratioResult, type BenchResult } from '../result';
import { secretValue, type BenchVault } from '../fixtures';

export function bigDotenv(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    if (i % 10 === 0) out.push(`# group ${i / 10}`);
    out.push(`IMPORTED_${String(i).padStart(5, '0')}="${secretValue(i)}"`);
  }
  return out.join('\n') + '\n';
}

/** Parse, preview against the scope, write: what "Import into Kagi…" does. */
export async function benchImport(v: BenchVault): Promise<BenchResult> {
  const text = bigDotenv(5000);
  let n = 0;
  const importOnce = async () => {
    const project = Project.open(v.root, v.host);
    const plan = await planImport(project, `imp${n++}/development`, parseDotenv(text, '.env'));
    await applyImport(project, plan, { overwrite: true });
  };
  const r = await compare(importOnce, () => dotenv.parse(text), { runs: 5 });
  return ratioResult(
    'import_vs_dotenv_parse',
    r.ratio,
    `dotenv.parse of the same 5,000 lines: ${r.baseline.medianMs.toFixed(1)} ms`,
    undefined,
    medians(r),
  );
}
