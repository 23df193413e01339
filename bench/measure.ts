/** Medians of repeated runs after warm-up; the only clock the benchmarks use. */
export interface Timing {
  medianMs: number;
  runs: number[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * A full collection before each timed run, untimed: otherwise a run pays for the garbage the
 * run before it left (the other side's, as they alternate). The open_list baseline leaves a
 * 30k-secret heap of garbage that the tree run after it used to collect; each side now pays
 * for the collections its own allocations cause while it runs.
 */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the benchmarks need node --expose-gc: run them with `npm run bench`');
  gc();
}

/** Runs subject and baseline alternately so drift on a busy machine hits both alike. */
export async function compare(
  subject: () => unknown,
  baseline: () => unknown,
  opts: { runs?: number; warmup?: number; before?: () => unknown } = {},
): Promise<{ subject: Timing; baseline: Timing; ratio: number }> {
  const runs = opts.runs ?? 7;
  const s: number[] = [];
  const b: number[] = [];
  const once = async (fn: () => unknown, into?: number[]) => {
    await opts.before?.();
    collectGarbage();
    const t = process.hrtime.bigint();
    await fn();
    into?.push(Number(process.hrtime.bigint() - t) / 1e6);
  };
  for (let i = 0; i < (opts.warmup ?? 1); i++) {
    await once(subject);
    await once(baseline);
  }
  for (let i = 0; i < runs; i++) {
    await once(subject, s);
    await once(baseline, b);
  }
  const subjectT = { medianMs: median(s), runs: s };
  const baselineT = { medianMs: median(b), runs: b };
  return { subject: subjectT, baseline: baselineT, ratio: subjectT.medianMs / baselineT.medianMs };
}
