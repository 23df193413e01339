import { KagiError } from '../errors';
import type { Project } from '../project';
import { joinScope, validateName } from '../scopes';
import { precreateServiceEnvs } from '../secrets';

export interface TemplateEntry {
  key: string;
  value: string;
  commented: boolean;
}

const TEMPLATE_KEY = /^[\p{Alphabetic}\p{N}_]+$/u;

/**
 * The `sync` template parser of docs/format.md §9.3, deliberately not dotenv's: `# KEY=…`
 * lines count (commented-out keys), quotes are kept, `export FOO=` is skipped.
 */
export function parseTemplate(text: string): TemplateEntry[] {
  const out: TemplateEntry[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    const commented = line.startsWith('#');
    if (commented) line = line.slice(1).trim();
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    if (!TEMPLATE_KEY.test(key)) continue;
    out.push({ key, value: line.slice(eq + 1).trim(), commented });
  }
  return out;
}

export const SYNC_DEFAULT_ENVS = ['development', 'test', 'staging', 'production'];

/** Adds template keys missing from each target scope; never overwrites a value. */
export async function syncFromTemplate(
  project: Project,
  opts: { service?: string; sources: { name: string; text: string }[]; envs?: string[] },
): Promise<{ scope: string; added: string[] }[]> {
  if (opts.sources.length === 0) {
    throw new KagiError('usage', 'no template to sync from', 'create .env.example, or pass --example / --sources');
  }
  if (opts.service !== undefined) validateName(opts.service, 'service');
  const envs = opts.envs ?? SYNC_DEFAULT_ENVS;
  envs.forEach((e) => validateName(e, 'environment'));
  const merged = new Map<string, TemplateEntry>();
  for (const s of opts.sources) for (const e of parseTemplate(s.text)) merged.set(e.key, e);
  return project.mutate(async () => {
    const cfg = project.config();
    const { key } = await project.key(cfg);
    const results: { scope: string; added: string[] }[] = [];
    for (const env of envs) {
      const scope = joinScope(opts.service, env);
      const store = project.readScopeOrEmpty(cfg, scope, key);
      const added: string[] = [];
      for (const e of merged.values()) {
        if (store.secrets.has(e.key)) continue;
        store.secrets.set(e.key, { key: e.key, value: e.commented ? '' : e.value, extra: {} });
        added.push(e.key);
      }
      precreateServiceEnvs(project, cfg, scope, key);
      project.writeScope(cfg, scope, store, key);
      results.push({ scope, added });
    }
    project.writeConfig(cfg);
    return results;
  });
}
