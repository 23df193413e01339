// Three-way merge of decrypted stores, key by key. Pure: no I/O, no keys.
import type { Secret, Store } from '../format/store';
import { canonicalJson } from './render';

export interface StoreMergeResult {
  store: Store;
  /** keys changed differently on both sides; `store` holds ours for them */
  conflicts: string[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

const isEmpty = (r: Record<string, unknown>) => Object.keys(r).length === 0;

/**
 * Same value, description and unknown fields. Compared field by field, the unknown ones
 * canonically and only when there are any: serialising every secret of three sides was most
 * of a 1,000-key merge (bench `merge_driver_vs_merge_file`).
 */
function sameSecret(a: Secret | undefined, b: Secret | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.value !== b.value || a.description !== b.description) return false;
  return (isEmpty(a.extra) && isEmpty(b.extra)) || same(a.extra, b.extra);
}

/** Per key: equal sides agree; a side equal to base yields to the other; otherwise a conflict (ours kept). */
export function mergeStores(scope: string, base: Store | undefined, ours: Store, theirs: Store): StoreMergeResult {
  const keys = new Set([...(base?.secrets.keys() ?? []), ...ours.secrets.keys(), ...theirs.secrets.keys()]);
  const secrets = new Map<string, Secret>();
  const conflicts: string[] = [];
  for (const k of [...keys].sort()) {
    const b = base?.secrets.get(k);
    const o = ours.secrets.get(k);
    const t = theirs.secrets.get(k);
    let pick: Secret | undefined = o;
    if (sameSecret(o, t)) pick = o;
    else if (sameSecret(o, b)) pick = t;
    else if (!sameSecret(t, b)) conflicts.push(k);
    if (pick) secrets.set(k, pick);
  }
  return { store: { name: scope, secrets, extra: mergeRecords(base?.extra, ours.extra, theirs.extra) }, conflicts };
}

/** Field by field: whichever side changed a field wins; both changed: ours. Unknown fields are never dropped. */
export function mergeRecords(
  base: Record<string, unknown> | undefined,
  ours: Record<string, unknown>,
  theirs: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = new Set([...Object.keys(base ?? {}), ...Object.keys(ours), ...Object.keys(theirs)]);
  for (const f of fields) {
    const b = base?.[f];
    const v = same(ours[f], b) ? theirs[f] : ours[f];
    if (v !== undefined) out[f] = v;
  }
  return out;
}
