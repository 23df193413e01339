import { KagiError } from '../errors';
import { INVALID_SECRET_NAME } from '../format/store';
import { isPlainObject } from '../format/encoding';
import type { ProjectConfig } from '../format/projectConfig';
import type { Project } from '../project/project';

/** A ScopeKeys as the device's key-name cache keeps it: the joined names, and descriptions if any. */
export type SerializedScopeKeys = [joined: string, descriptions: Record<string, string> | undefined];

/** A key's name and description: everything a listing may show. Never a value. */
export interface KeyInfo {
  key: string;
  description?: string;
}

/**
 * Joins the names of a scope. A line break can't be in a secret name (INVALID_SECRET_NAME:
 * `parseStore` refuses a store that has one), so splitting on it gives the names back.
 */
export const NAME_SEPARATOR = '\n';

/**
 * The keys of one scope as a listing keeps them: the sorted names joined into ONE string,
 * and descriptions only for the keys that have one. The extension host keeps the listing of
 * every open vault for as long as the window lives; one object and one string per key cost
 * 5–8 times the names themselves (bench `host_heap_after_listing`). `KeyInfo` objects are made
 * only when asked for: an environment opened in the tree, a completion list.
 */
export class ScopeKeys {
  /** An empty scope: no names. */
  static readonly EMPTY = new ScopeKeys('', 0, undefined);

  private constructor(
    /** the sorted names joined by NAME_SEPARATOR; '' when there are none */
    private readonly joined: string,
    /** how many keys */
    readonly size: number,
    private readonly descriptions: ReadonlyMap<string, string> | undefined,
  ) {}

  /** From a scope's keys in any order; names must be valid secret names (as `parseStore` makes sure). */
  static from(keys: Iterable<KeyInfo>): ScopeKeys {
    return ScopeKeys.build((add) => {
      for (const k of keys) add(k.key, k.description);
    });
  }

  /** From what `fill` hands to `add`, in any order (a store's keys as they are parsed: `visitStoreKeys`). */
  static build(fill: (add: (key: string, description?: string) => void) => void): ScopeKeys {
    // Names and descriptions gathered apart and the names sorted as plain strings: no object
    // per key, no comparator (bench `tree_vs_open_list`, 30k keys per listing).
    const names: string[] = [];
    let descriptions: Map<string, string> | undefined;
    fill((key, description) => {
      names.push(key);
      if (description !== undefined) (descriptions ??= new Map()).set(key, description);
    });
    if (names.length === 0) return ScopeKeys.EMPTY;
    if (names.some((n) => INVALID_SECRET_NAME.test(n))) {
      throw new KagiError('bad-name', 'a key name is empty or has "=", NUL or a line break', 'rename the key');
    }
    // Default sort order is UTF-16 code unit order, the same as comparing with `<`.
    return new ScopeKeys(names.sort().join(NAME_SEPARATOR), names.length, descriptions);
  }

  /**
   * `keys`, or an equal ScopeKeys met before in `pool` (names joined → keys): the environments
   * of a service usually have the same keys, and then they keep one string between them.
   */
  static shared(keys: ScopeKeys, pool: Map<string, ScopeKeys>): ScopeKeys {
    const seen = pool.get(keys.joined);
    if (seen && sameDescriptions(seen.descriptions, keys.descriptions)) return seen;
    if (!seen) pool.set(keys.joined, keys);
    return keys;
  }

  /** What the device's key-name cache keeps (usecases/keyNames.ts): the joined names, and descriptions if any. */
  serialize(): SerializedScopeKeys {
    return [this.joined, this.descriptions && Object.fromEntries(this.descriptions)];
  }

  /**
   * The names back from `serialize`, checked as `build` checks what a store holds: valid names,
   * each once, sorted. `undefined` for anything else.
   */
  static deserialize(joined: unknown): ScopeKeys | undefined {
    if (typeof joined !== 'string') return undefined;
    const names = joined === '' ? [] : joined.split(NAME_SEPARATOR);
    for (let i = 0; i < names.length; i++) {
      if (INVALID_SECRET_NAME.test(names[i]!) || (i > 0 && !(names[i - 1]! < names[i]!))) return undefined;
    }
    return names.length === 0 ? ScopeKeys.EMPTY : new ScopeKeys(joined, names.length, undefined);
  }

  /**
   * These names with the descriptions `serialize` gave (strings, of keys these names hold); the
   * names are not checked again. `undefined` for anything else.
   */
  withDescriptions(descriptions: unknown): ScopeKeys | undefined {
    if (!isPlainObject(descriptions)) return undefined;
    const map = new Map<string, string>();
    const known = new Set(this.names());
    for (const [key, text] of Object.entries(descriptions)) {
      if (typeof text !== 'string' || !known.has(key)) return undefined;
      map.set(key, text);
    }
    return new ScopeKeys(this.joined, this.size, map);
  }

  /** The names, sorted. A new array each call. */
  names(): string[] {
    return this.size === 0 ? [] : this.joined.split(NAME_SEPARATOR);
  }

  has(key: string): boolean {
    if (this.size === 0 || INVALID_SECRET_NAME.test(key)) return false;
    const j = this.joined;
    for (let at = j.indexOf(key); at !== -1; at = j.indexOf(key, at + 1)) {
      const end = at + key.length;
      if ((at === 0 || j[at - 1] === NAME_SEPARATOR) && (end === j.length || j[end] === NAME_SEPARATOR)) return true;
    }
    return false;
  }

  description(key: string): string | undefined {
    return this.descriptions?.get(key);
  }

  /** Name and description of every key, sorted by name, made now: the listing keeps none. */
  infos(): KeyInfo[] {
    return this.names().map((key) => {
      const description = this.descriptions?.get(key);
      return description === undefined ? { key } : { key, description };
    });
  }

  [Symbol.iterator](): Iterator<KeyInfo> {
    return this.infos()[Symbol.iterator]();
  }
}

function sameDescriptions(a: ReadonlyMap<string, string> | undefined, b: ReadonlyMap<string, string> | undefined) {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** The keys of one scope, decrypted and checked as `readScope` checks them, never built into a store (listings). */
export function readScopeKeys(
  project: Project,
  cfg: ProjectConfig,
  scope: string,
  key: Uint8Array,
  sealed = project.sealedScope(cfg, scope),
): ScopeKeys {
  return ScopeKeys.build((add) => project.visitScopeKeys(scope, key, sealed, add));
}
