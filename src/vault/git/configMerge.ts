// Three-way merge of kagi.json: the union of scopes and environments, settings field by field.
import { KagiError } from '../errors';
import type { ProjectConfig, ServiceEntry } from '../format/projectConfig';
import { canonicalJson } from './render';
import { mergeRecords } from './storeMerge';

/** A scope or env added on either side is kept; one removed on a side and untouched on the other goes. */
export function mergeProjectConfigs(
  base: ProjectConfig | undefined,
  ours: ProjectConfig,
  theirs: ProjectConfig,
): ProjectConfig {
  if (ours.projectId !== theirs.projectId) {
    throw new KagiError(
      'conflict',
      'kagi.json: the two sides belong to different projects (project_id differs)',
      'resolve kagi.json by hand',
    );
  }
  const services: Record<string, ServiceEntry> = Object.create(null);
  for (const scope of unionKeep(
    Object.keys(base?.services ?? {}),
    Object.keys(ours.services),
    Object.keys(theirs.services),
  )) {
    services[scope] = ours.services[scope] ?? theirs.services[scope]!;
  }
  const bs = base?.settings;
  const pick = <T>(b: T | undefined, o: T, t: T): T => (canonicalJson(o) === canonicalJson(b) ? t : o);
  return {
    version: ours.version >= theirs.version ? ours.version : theirs.version,
    projectId: ours.projectId,
    services,
    settings: {
      nested: pick(bs?.nested, ours.settings.nested, theirs.settings.nested),
      envs: unionKeep(bs?.envs ?? [], ours.settings.envs, theirs.settings.envs),
      defaultEnv: pick(bs?.defaultEnv, ours.settings.defaultEnv, theirs.settings.defaultEnv),
      ...optional('sync', pick(bs?.sync, ours.settings.sync, theirs.settings.sync)),
      ...optional('monorepo', pick(bs?.monorepo, ours.settings.monorepo, theirs.settings.monorepo)),
      extra: mergeRecords(bs?.extra, ours.settings.extra, theirs.settings.extra),
    },
    extra: mergeRecords(base?.extra, ours.extra, theirs.extra),
  };
}

function optional<K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, V>);
}

/** Ours' order, then theirs' additions; an item in base missing on one side was removed there. */
function unionKeep(base: string[], ours: string[], theirs: string[]): string[] {
  const b = new Set(base);
  const o = new Set(ours);
  const t = new Set(theirs);
  const keep = (x: string) => (o.has(x) && t.has(x)) || (!b.has(x) && (o.has(x) || t.has(x)));
  return [...new Set([...ours, ...theirs])].filter(keep);
}
