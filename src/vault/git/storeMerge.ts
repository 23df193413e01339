// Three-way merge of decrypted stores, key by key. Pure: no I/O, no keys.
import type { Secret, Store } from '../format/store';
import { canonicalJson } from './render';

export interface StoreMergeResult {
  store: Store;
  /** keys changed differently on both sides; `store` holds ours for them */
  conflicts: string[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const secretJson = (s: Secret | undefined) =>
  s === undefined ? undefined : { v: s.value, d: s.description, x: s.extra };

/** Per key: equal sides agree; a side equal to base yields to the other; otherwise a conflict (ours kept). */
export function mergeStores(scope: string, base: Store | undefined, ours: Store, theirs: Store): StoreMergeResult {
  const keys = new Set([...(base?.secrets.keys() ?? []), ...ours.secrets.keys(), ...theirs.secrets.keys()]);
  const secrets = new Map<string, Secret>();
  const conflicts: string[] = [];
  for (const k of [...keys].sort()) {
    const b = secretJson(base?.secrets.get(k));
    const o = ours.secrets.get(k);
    const t = theirs.secrets.get(k);
    let pick: Secret | undefined = o;
    if (same(secretJson(o), secretJson(t))) pick = o;
    else if (same(secretJson(o), b)) pick = t;
    else if (!same(secretJson(t), b)) conflicts.push(k);
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
