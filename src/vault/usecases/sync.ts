import { KagiError } from '../errors';
import type { Project } from '../project/project';
import { joinScope, validateName } from '../scopes/names';
import { precreateServiceEnvs } from './secrets';

export interface TemplateEntry {
  key: string;
  value: string;
  commented: boolean;
}

// Made on first use: a Unicode property class is built from ICU's tables when the pattern is
// created, ~1 ms at every load of the vault otherwise (bench `run_vs_floor`).
let templateKey: RegExp | undefined;
const isTemplateKey = (key: string) => (templateKey ??= /^[\p{Alphabetic}\p{N}_]+$/u).test(key);

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
    if (!isTemplateKey(key)) continue;
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
  return project.mutate(async (tx) => {
    const results: { scope: string; added: string[] }[] = [];
    for (const env of envs) {
      const scope = joinScope(opts.service, env);
      const store = await tx.readOrEmpty(scope);
      const added: string[] = [];
      for (const e of merged.values()) {
        if (store.secrets.has(e.key)) continue;
        store.secrets.set(e.key, { key: e.key, value: e.commented ? '' : e.value, extra: {} });
        added.push(e.key);
      }
      await precreateServiceEnvs(tx, scope);
      await tx.write(scope, store);
      results.push({ scope, added });
    }
    return results;
  });
}
