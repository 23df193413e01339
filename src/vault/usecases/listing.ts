import { isKagiError, type KagiErrorCode } from '../errors';
import { loadIdentity } from '../device/identity';
import type { Project } from '../project/project';
import type { KeySource } from '../device/projectKey';
import type { Member } from '../format/access';
import { displayName, readArtifactIndex } from '../project/artifacts';
import { locatorOf } from '../format/artifactPaths';
import type { ScopeKeys } from './scopeKeys';
import { type KeyNameCache, readKeyNames } from './keyNames';

export { type KeyInfo, NAME_SEPARATOR, ScopeKeys } from './scopeKeys';
export { KeyNameCache } from './keyNames';

/** A file artifact as a listing may show it: its name, where it restores and its size. Never content. */
export interface FileInfo {
  name: string;
  /** `repo:<path>` or `home:<path>`: selects exactly this file in its scope */
  locator: string;
  size: number;
}

/** Why this device can't decrypt, in terms a UI can act on. */
export type BlockedState =
  'restricted' | 'no-identity' | 'pending' | 'not-a-member' | 'bad-key' | 'bad-config' | 'error';

export interface Blocked {
  state: BlockedState;
  code?: KagiErrorCode;
  message: string;
  hint?: string;
}

/**
 * What the vault looks like from this device, without a single value in it:
 * the structure from kagi.json always, key names only when the key opens.
 */
export interface Listing {
  root: string;
  projectId?: string;
  envs: string[];
  defaultEnv: string;
  scopes: string[];
  /** scope → its keys (names kept compact, see ScopeKeys); undefined when blocked */
  keys?: Map<string, ScopeKeys>;
  /** scopes that failed to decrypt on their own (e.g. a corrupt file) */
  scopeErrors: Map<string, Blocked>;
  /** scope → file artifacts (docs/format.md §4), when the key opens; a scope need not be in kagi.json */
  files?: Map<string, FileInfo[]>;
  /** files/ exists but its index does not open */
  filesError?: Blocked;
  blocked?: Blocked;
  keySource?: KeySource;
  member?: Member;
  /** an interrupted rotation was finished while listing */
  recovered: boolean;
}

export interface ListOptions {
  /** false in Restricted Mode: read kagi.json only */
  decrypt: boolean;
  /** kept between listings of one vault, so only changed stores are decrypted again (usecases/keyNames.ts) */
  cache?: KeyNameCache;
}

export async function listVault(project: Project, opts: ListOptions): Promise<Listing> {
  const base: Listing = {
    root: project.root,
    envs: [],
    defaultEnv: 'development',
    scopes: [],
    scopeErrors: new Map(),
    recovered: false,
  };
  let cfg;
  try {
    cfg = project.config();
  } catch (e) {
    return { ...base, blocked: blockedFrom(e, 'bad-config') };
  }
  const listing: Listing = {
    ...base,
    projectId: cfg.projectId,
    envs: [...cfg.settings.envs],
    defaultEnv: cfg.settings.defaultEnv,
    scopes: project.scopes(cfg),
  };
  if (!opts.decrypt) {
    return {
      ...listing,
      blocked: {
        state: 'restricted',
        message: 'Restricted Mode: secrets are not decrypted',
        hint: 'trust this workspace to see key names',
      },
    };
  }
  try {
    listing.recovered = await project.recover();
    if (listing.recovered) return listVault(project, opts).then((l) => ({ ...l, recovered: true }));
    const resolved = await project.key(cfg);
    listing.keySource = resolved.source;
    if (resolved.member) listing.member = resolved.member;
    listing.keys = readKeyNames(project, cfg, resolved.key, {
      cache: opts.cache,
      onError: (scope, e) => listing.scopeErrors.set(scope, blockedFrom(e, 'error')),
    });
    try {
      listing.files = fileInfos(project, cfg, resolved.key);
    } catch (e) {
      listing.filesError = blockedFrom(e, 'error');
    }
  } catch (e) {
    listing.blocked = await classify(project, e);
  }
  return listing;
}

function fileInfos(project: Project, cfg: ReturnType<Project['config']>, key: Uint8Array): Map<string, FileInfo[]> {
  const out = new Map<string, FileInfo[]>();
  for (const e of readArtifactIndex(project, cfg, key) ?? []) {
    const info = { name: displayName(e), locator: locatorOf(e.location, e.restore_path), size: e.size };
    out.set(e.scope, [...(out.get(e.scope) ?? []), info]);
  }
  for (const list of out.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

async function classify(project: Project, e: unknown): Promise<Blocked> {
  if (!isKagiError(e)) return blockedFrom(e, 'error');
  switch (e.code) {
    case 'no-identity':
      return blockedFrom(e, 'no-identity');
    case 'bad-key':
      return blockedFrom(e, 'bad-key');
    case 'not-a-member':
      return blockedFrom(e, (await isPending(project)) ? 'pending' : 'not-a-member');
    case 'bad-config':
      return blockedFrom(e, 'bad-config');
    default:
      return blockedFrom(e, 'error');
  }
}

async function isPending(project: Project): Promise<boolean> {
  try {
    const me = await loadIdentity(project.dataDir);
    return !!me && project.access().members.some((m) => m.status === 'pending' && m.recipient === me.recipient);
  } catch {
    return false;
  }
}

/** Only KagiError text is shown: it is written never to contain a value. */
function blockedFrom(e: unknown, state: BlockedState): Blocked {
  if (isKagiError(e)) return { state, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  const name = e instanceof Error ? e.name : typeof e;
  return { state, message: `unexpected ${name}`, hint: 'see the Kagi output for details' };
}
