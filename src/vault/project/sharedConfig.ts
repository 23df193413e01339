import { parseProjectConfig, type ProjectConfig } from '../format/projectConfig';

/**
 * Parsed kagi.json files, by path, while their text stays the same.
 *
 * Every operation still reads the file (Git, the CLI or a teammate may have changed it); only
 * the parse of a text already parsed is skipped. At 600 scopes that parse is most of what a `set`
 * costs above one in a small vault (bench `set_big_vs_small`), and the extension reads kagi.json
 * for every tree refresh, set and launch. A parsed config is frozen because every caller now
 * shares it: edits go to a private copy (`editableConfig`), which only a transaction makes.
 */
const MAX_KEPT = 8;
const kept = new Map<string, { text: string; cfg: ProjectConfig }>();

/** The kagi.json text each shared config was parsed from (a transaction compares against it). */
const parsedFrom = new WeakMap<ProjectConfig, string>();

/** `text`, read from `file`, parsed (or the frozen config parsed from that same text before). */
export function sharedConfig(file: string, text: string): ProjectConfig {
  const hit = kept.get(file);
  kept.delete(file);
  const cfg = hit?.text === text ? hit.cfg : parsed(text);
  kept.set(file, { text, cfg });
  // Maps iterate in insertion order: the first key is the one used longest ago.
  if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
  return cfg;
}

function parsed(text: string): ProjectConfig {
  const cfg = deepFreeze(parseProjectConfig(text));
  parsedFrom.set(cfg, text);
  return cfg;
}

export function sharedConfigText(cfg: ProjectConfig): string | undefined {
  return parsedFrom.get(cfg);
}

/**
 * A private, mutable copy of a shared config: a fresh parse of the text it came from, so the copy
 * has the parser's own shapes (scope maps without a prototype, where `__proto__` is a scope
 * like any other; a structured clone would give them one back).
 */
export function editableConfig(cfg: ProjectConfig): ProjectConfig {
  const text = parsedFrom.get(cfg);
  if (text === undefined) throw new Error('editableConfig: not a config from sharedConfig');
  return parseProjectConfig(text);
}

/** kagi.json's nesting is bounded by its parser, so the recursion is too. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
