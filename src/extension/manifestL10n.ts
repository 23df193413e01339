// package.json's user-facing strings as `%key%` placeholders with their English text in
// package.nls.json, so translations can be added as package.nls.<locale>.json. Run by
// `npm run gen:contributions` after the commands are generated: a string written in plain
// English in package.json (a new setting, a walkthrough step) is moved into package.nls.json;
// test/unit/contributions.test.ts fails when a string was left behind or a key is orphaned.
// Pure, no `vscode`.

export type Nls = Record<string, string>;

/** Properties whose string (or strings, for the enum descriptions) the workbench shows a person. */
const SHOWN = new Set([
  'title',
  'category',
  'description',
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'deprecationMessage',
  'markdownDeprecationMessage',
  'contextualTitle',
  'contents',
  'label',
  'displayName',
  'userDescription',
  'altText',
]);

/** Subtrees that are data, not text for a person: a snippet's body, a tool's input schema. */
const DATA = new Set(['body', 'inputSchema', 'menus']);

const PLACEHOLDER = /^%([^%\s]+)%$/;

/** The key in a `%key%` placeholder, else undefined. */
export function placeholderKey(value: string): string | undefined {
  return PLACEHOLDER.exec(value)?.[1];
}

/**
 * `manifest` with every shown string of `displayName`, `description`, `capabilities` and
 * `contributes` replaced by a `%key%` placeholder, and the strings by key. A placeholder already
 * there keeps its text from `previous` (package.nls.json as it was); `generated` (the command
 * titles) is merged in. Throws when a placeholder has no text anywhere.
 */
export function localizeManifest<T extends Record<string, unknown>>(
  manifest: T,
  previous: Nls,
  generated: Nls,
): { manifest: T; nls: Nls } {
  const nls: Nls = {};
  const take = (key: string, value: string): string => {
    const existing = placeholderKey(value);
    if (existing !== undefined) {
      const text = generated[existing] ?? previous[existing];
      if (text === undefined)
        throw new Error(`package.json uses %${existing}% but package.nls.json has no text for it`);
      nls[existing] = text;
      return value;
    }
    nls[key] = value;
    return `%${key}%`;
  };
  const out: Record<string, unknown> = { ...manifest };
  for (const field of ['displayName', 'description'] as const) {
    if (typeof out[field] === 'string') out[field] = take(field, out[field] as string);
  }
  for (const field of ['capabilities', 'contributes'] as const) {
    if (out[field] !== undefined) out[field] = walk(out[field], [field], take);
  }
  return { manifest: out as T, nls };
}

type Take = (key: string, value: string) => string;

function walk(node: unknown, path: string[], take: Take): unknown {
  if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, elementName(item, i)], take));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node)) {
    out[name] = DATA.has(name) ? value : walkField(name, value, [...path, name], take);
  }
  return out;
}

function walkField(name: string, value: unknown, path: string[], take: Take): unknown {
  // `name` is text only for a view (a language model tool's `name` is its id).
  const shown = SHOWN.has(name) || (name === 'name' && path.includes('views'));
  if (shown && typeof value === 'string') return take(keyOf(path), value);
  if (shown && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.map((v, i) => take(keyOf([...path, String(i)]), v));
  }
  return walk(value, path, take);
}

/** An array element is named by its id (or type, view or command) so keys survive reordering. */
function elementName(item: unknown, index: number): string {
  if (item !== null && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    for (const f of ['id', 'type', 'command']) if (typeof o[f] === 'string') return o[f] as string;
  }
  return String(index);
}

/** `contributes.configuration.properties.kagi.x.markdownDescription` → `configuration.kagi.x.markdownDescription`. */
function keyOf(path: string[]): string {
  return path.filter((p, i) => !(i === 0 && p === 'contributes') && p !== 'properties').join('.');
}
