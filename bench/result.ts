import type { Comparison } from './measure';

export interface BenchResult {
  id: string;
  /** the ratio (or the absolute figure for sizes and reports) */
  value: number;
  unit: 'ratio' | 'KB' | 'ms' | 'MB';
  /** what the value is compared with, and the baseline's own figure */
  baseline: string;
  goal: string;
  met?: boolean;
  detail?: Record<string, number | string>;
}

export function ratioResult(
  id: string,
  ratio: number,
  baseline: string,
  goalMax: number | undefined,
  detail: Record<string, number | string>,
): BenchResult {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    id,
    value: round(ratio),
    unit: 'ratio',
    baseline,
    goal: goalMax === undefined ? 'report' : `<= ${goalMax}`,
    ...(goalMax === undefined ? {} : { met: ratio <= goalMax }),
    detail: Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
  };
}

/** A comparison's medians for a result's detail, with the case's own figures after them. */
export function medians(r: Comparison, extra: Record<string, number | string> = {}): Record<string, number | string> {
  return { subject_ms: r.subject.medianMs, baseline_ms: r.baseline.medianMs, ...extra };
}
