import { MASK, splitScope, type KeyInfo } from '../vault';
import { boxTable } from './table';

/**
 * A row of a listing: a key, its description, and its value only when the listing reveals
 * values (a masked listing reads names alone: `readSelectionKeys`).
 */
export interface ListedSecret extends KeyInfo {
  value?: string;
}

/** One scope's secrets as `Key | Value [| Desc]`, sorted by key (in place), masked unless `show`. */
function scopeTable(secrets: ListedSecret[], show: boolean, indent = 0): string {
  secrets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const withDesc = secrets.some((s) => s.description);
  const headers = withDesc ? ['Key', 'Value', 'Desc'] : ['Key', 'Value'];
  const rows = secrets.map((s) => {
    const value = show ? (s.value === '' ? '(empty)' : (s.value ?? MASK)) : MASK;
    return withDesc ? [s.key, value, s.description ?? ''] : [s.key, value];
  });
  return boxTable(headers, rows, indent);
}

/** A single scope: its table, or a one-line note when it is empty. */
export function renderScope(scope: string, secrets: Iterable<ListedSecret>, show: boolean, indent = 0): string {
  const list = [...secrets];
  if (list.length === 0) return `${' '.repeat(indent)}no secrets in ${splitScope(scope).env}\n`;
  return scopeTable(list, show, indent);
}

/**
 * Several scopes grouped by service: the service name, each env indented 2, its
 * table indented 4; root scopes are listed under `(root)`.
 */
export function renderScopes(stores: Map<string, Iterable<ListedSecret>>, show: boolean): string {
  if (stores.size === 0) return 'no services found\n';
  const groups = new Map<string, string[]>();
  for (const scope of [...stores.keys()].sort()) {
    const name = splitScope(scope).service ?? '(root)';
    groups.set(name, [...(groups.get(name) ?? []), scope]);
  }
  const names = [...groups.keys()].sort((a, b) => (a === '(root)' ? -1 : b === '(root)' ? 1 : a < b ? -1 : 1));
  return names
    .map(
      (name) =>
        name +
        '\n' +
        groups
          .get(name)!
          .map((scope) => `  ${splitScope(scope).env}\n` + renderScope(scope, stores.get(scope)!, show, 4))
          .join(''),
    )
    .join('\n');
}
