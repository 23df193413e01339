// Key names per scope, remembered by a digest of the store's encrypted text: a listing
// decrypts only the stores whose file changed since the names were last read. Remembered in
// memory (the extension keeps one KeyNameCache per vault for the window's life) and on the
// device (`projects/<id>.key-names` in the data folder), so the first listing of a window and
// every masked `kagi get` start from the last one instead of decrypting every store (bench
// `open_list_vs_dotenv`: decrypting and parsing 600 stores was three quarters of a listing).
//
// The device file is sealed (XChaCha20-Poly1305) under a key derived from the project key:
// names and descriptions stay as private as the stores they come from, and only someone who
// holds the project key can make an entry. An entry says "this exact text, opened under this
// key as this scope, holds these names", which is what decrypting it again would find. Never
// a value. Anything wrong with the file (missing, damaged, a link, another key after a
// rotation, too big) is a miss: the stores are decrypted, as without it (docs/architecture.md).
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { aead } from '../crypto/aead';
import { purposeKey } from '../crypto/purposeKey';
import { publicRandomBytes } from '../crypto/publicRandom';
import { NONCE_BYTES } from '../format/envelope';
import { fromUtf8, isPlainObject, utf8 } from '../format/encoding';
import { readFileBounded, writeFileAtomic } from '../disk/files';
import type { ProjectConfig } from '../format/projectConfig';
import type { Project } from '../project/project';
import { readScopeKeys, ScopeKeys } from './scopeKeys';

/** Far above the names of a 100k-secret vault (~2 MB); a bigger file is neither read nor written. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;
const FILE_VERSION = 1;
const DIGEST = /^[A-Za-z0-9+/]{43}=$/;

interface Entry {
  /** SHA-256 (base64) of the store file's bytes the names were read from */
  digest: string;
  keys: ScopeKeys;
}

/**
 * Names per scope for one project key at a time. A listing under another key (a rotation, a
 * wrong KAGI_PROJECT_KEY) starts from nothing: what one key opened says nothing of another.
 */
export class KeyNameCache {
  private readonly entries = new Map<string, Entry>();
  private keyId?: string;
  /** entries changed since the device file was read or written */
  private changed = false;

  /** The names `digest`'s text holds, if known. */
  lookup(scope: string, digest: string): ScopeKeys | undefined {
    const e = this.entries.get(scope);
    return e && e.digest === digest ? e.keys : undefined;
  }

  /** Equal names under the same digest (a listing's shared ScopeKeys) change nothing the device keeps. */
  remember(scope: string, digest: string, keys: ScopeKeys): void {
    if (this.entries.get(scope)?.digest !== digest) this.changed = true;
    this.entries.set(scope, { digest, keys });
  }

  /** Forgets scopes that are gone (or failed), so the cache never outgrows the vault. */
  keepOnly(scopes: Set<string>): void {
    for (const scope of this.entries.keys()) {
      if (!scopes.has(scope)) {
        this.entries.delete(scope);
        this.changed = true;
      }
    }
  }

  /** Makes the cache answer for `key`: the first time, from the device file sealed under it. */
  useKey(file: string, key: Uint8Array): void {
    const keyId = createHash('sha256').update(key).digest('hex');
    if (this.keyId === keyId) return;
    this.keyId = keyId;
    this.entries.clear();
    for (const [scope, entry] of readDeviceFile(file, key)) this.entries.set(scope, entry);
    this.changed = false;
  }

  /** Writes the device file if a listing changed what it holds. A cache that can't be written is only a slower next run. */
  save(file: string, key: Uint8Array): void {
    if (!this.changed) return;
    this.changed = false;
    try {
      writeDeviceFile(file, key, this.entries);
    } catch {
      // the data folder is read-only, full, or a link: the names are read again next time
    }
  }
}

/** Where the device keeps a project's key names. */
export function keyNamesPath(project: Project, cfg: ProjectConfig): string {
  return path.join(project.dataDir, 'projects', `${cfg.projectId}.key-names`);
}

/**
 * The keys of each of `scopes` (all of kagi.json's when undefined), from `cache` where the
 * store's text is unchanged, else decrypted and checked (readScopeKeys). A scope that fails
 * goes to `onError` when given (the listing shows the others), else aborts. Scopes with the
 * same keys share one ScopeKeys.
 */
export function readKeyNames(
  project: Project,
  cfg: ProjectConfig,
  key: Uint8Array,
  opts: { scopes?: string[]; cache?: KeyNameCache; onError?: (scope: string, e: unknown) => void },
): Map<string, ScopeKeys> {
  const cache = opts.cache ?? new KeyNameCache();
  const file = keyNamesPath(project, cfg);
  cache.useKey(file, key);
  const out = new Map<string, ScopeKeys>();
  const pool = new Map<string, ScopeKeys>();
  for (const scope of opts.scopes ?? project.scopes(cfg)) {
    try {
      out.set(scope, readOne(project, cfg, scope, key, cache, pool));
    } catch (e) {
      if (!opts.onError) throw e;
      opts.onError(scope, e);
    }
  }
  if (!opts.scopes) cache.keepOnly(new Set(out.keys()));
  cache.save(file, key);
  return out;
}

function readOne(
  project: Project,
  cfg: ProjectConfig,
  scope: string,
  key: Uint8Array,
  cache: KeyNameCache,
  pool: Map<string, ScopeKeys>,
): ScopeKeys {
  const { bytes, file } = project.sealedScopeBytes(cfg, scope);
  const digest = createHash('sha256').update(bytes).digest('base64');
  const cached = cache.lookup(scope, digest);
  const read = () => readScopeKeys(project, cfg, scope, key, { text: bytes.toString('utf8'), file });
  const keys = ScopeKeys.shared(cached ?? read(), pool);
  if (keys !== cached) cache.remember(scope, digest, keys);
  return keys;
}

// The device file: nonce ‖ XChaCha20-Poly1305(JSON) ‖ tag. The JSON keeps each distinct list
// of names once (the environments of a service usually share theirs):
// {"v":1,"names":["A\nB",…],"scopes":{"api/production":["<digest>",0,{"A":"description"}?],…}}

/** The key the file is sealed under: never the project key itself, which seals stores. */
const fileKey = (key: Uint8Array) => purposeKey(key, 'kagi-vscode key-name cache v1');

const fileAad = (file: string) => utf8(`kagi-vscode:key-names:v${FILE_VERSION}:${path.basename(file)}`);

function writeDeviceFile(file: string, key: Uint8Array, entries: Map<string, Entry>): void {
  const names: string[] = [];
  const indexOf = new Map<string, number>();
  const scopes: Record<string, unknown[]> = {};
  for (const [scope, { digest, keys }] of entries) {
    const [joined, descriptions] = keys.serialize();
    let at = indexOf.get(joined);
    if (at === undefined) indexOf.set(joined, (at = names.push(joined) - 1));
    scopes[scope] = descriptions ? [digest, at, descriptions] : [digest, at];
  }
  const plaintext = utf8(JSON.stringify({ v: FILE_VERSION, names, scopes }));
  const nonce = publicRandomBytes(NONCE_BYTES);
  const sealed = aead.seal(fileKey(key), nonce, fileAad(file), plaintext);
  if (NONCE_BYTES + sealed.length > MAX_FILE_BYTES) return;
  writeFileAtomic(file, Buffer.concat([nonce, sealed]));
}

function readDeviceFile(file: string, key: Uint8Array): Map<string, Entry> {
  try {
    const bytes = readFileBounded(file, { maxBytes: MAX_FILE_BYTES });
    if (!bytes || bytes.length < NONCE_BYTES) return new Map();
    const nonce = bytes.subarray(0, NONCE_BYTES);
    const plaintext = aead.open(fileKey(key), nonce, fileAad(file), bytes.subarray(NONCE_BYTES));
    return parseDeviceFile(JSON.parse(fromUtf8(plaintext, file)));
  } catch {
    return new Map(); // another key, a damaged or foreign file: the stores are read instead
  }
}

/** Whole or nothing: one malformed entry and the file is not used. */
function parseDeviceFile(raw: unknown): Map<string, Entry> {
  const none = new Map<string, Entry>();
  if (!isPlainObject(raw) || raw.v !== FILE_VERSION || !Array.isArray(raw.names) || !isPlainObject(raw.scopes)) {
    return none;
  }
  const lists: (ScopeKeys | undefined)[] = raw.names.map((joined) => ScopeKeys.deserialize(joined));
  const out = new Map<string, Entry>();
  for (const [scope, value] of Object.entries(raw.scopes)) {
    if (!Array.isArray(value) || value.length < 2 || value.length > 3) return none;
    const [digest, at, descriptions] = value as unknown[];
    if (typeof digest !== 'string' || !DIGEST.test(digest) || typeof at !== 'number') return none;
    const shared = lists[at];
    if (!shared) return none;
    const keys = descriptions === undefined ? shared : shared.withDescriptions(descriptions);
    if (!keys) return none;
    out.set(scope, { digest, keys });
  }
  return out;
}
