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
 * A full collection before each timed run, untimed, for the cases over the 30k and 100k
 * vaults: a run of them leaves tens of MB of garbage, which the next run (the other side's,
 * as they alternate) used to collect: the tree run paid for open_list's. Not for small
 * cases: after a full GC the young generation starts small again, and a 1 ms run (inject)
 * then pays scavenges it would not pay in a warm process (3.2 × instead of 1.9 ×).
 */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the benchmarks need node --expose-gc: run them with `npm run bench`');
  gc();
}

/** A subject and its baseline timed alternately in one window (compare). */
export interface Comparison {
  subject: Timing;
  baseline: Timing;
  ratio: number;
}

/** Runs subject and baseline alternately so drift on a busy machine hits both alike. */
export async function compare(
  subject: () => unknown,
  baseline: () => unknown,
  opts: {
    runs?: number;
    warmup?: number;
    before?: () => unknown;
    /** a full GC before each timed run: for runs that leave tens of MB of garbage (collectGarbage) */
    collect?: boolean;
  } = {},
): Promise<Comparison> {
  const runs = opts.runs ?? 7;
  const s: number[] = [];
  const b: number[] = [];
  const once = async (fn: () => unknown, into?: number[]) => {
    await opts.before?.();
    if (opts.collect) collectGarbage();
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
