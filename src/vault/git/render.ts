// A store as text Git can diff: one line per key, names and keyed fingerprints, never a value.
import type { Store } from '../format/store';
import { fingerprint } from './fingerprint';
import { printable } from './sealed';

/** One line per key, sorted, so `git diff` shows added, changed and removed keys as lines. */
export function renderStore(scope: string, store: Store, fpKey: Buffer): string {
  const keys = [...store.secrets.keys()].sort();
  const lines = [`# kagi store ${printable(scope)} (keys with value fingerprints, never values)`];
  for (const k of keys) lines.push(renderSecretLine(k, store, fpKey));
  return lines.join('\n') + '\n';
}

function renderSecretLine(name: string, store: Store, fpKey: Buffer): string {
  const s = store.secrets.get(name)!;
  let line = `${printable(name)} = fp:${fingerprint(fpKey, s.value)}`;
  if (Object.keys(s.extra).length > 0) line += ` meta:${fingerprint(fpKey, canonicalJson(s.extra))}`;
  if (s.description !== undefined && s.description !== '') line += `  # ${printable(s.description)}`;
  return line;
}

/** JSON with object keys sorted, so equal values compare equal whatever order a writer used. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
