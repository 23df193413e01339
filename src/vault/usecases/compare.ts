// "How do this service's environments differ?" — `kagi compare` and the editor's matrix. For each
// key and environment: a letter (equal values within a key share one) or null (missing). Letters
// are assigned in environment order per key, so they carry no information about the value itself:
// nothing here can be brute-forced, with or without the project key.
import { KagiError } from '../errors';
import type { Project } from '../project/project';
import { servicesOf, splitScope } from '../scopes/names';
import { readSelection } from './secrets';

export interface EnvMatrix {
  service: string;
  /** configured environments first (in kagi.json's order), then any other scope of the service */
  envs: string[];
  /** key → env → letter, or null when the key is missing there; keys sorted */
  keys: Record<string, Record<string, string | null>>;
  /** env → how many keys it holds */
  counts: Record<string, number>;
}

/** A, B, …, Z, AA, AB, … */
export function letterFor(n: number): string {
  let s = '';
  for (let i = n + 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

export async function compareEnvironments(project: Project, service: string | undefined): Promise<EnvMatrix> {
  if (service === undefined) {
    throw new KagiError(
      'usage',
      'which service? none was named and none is inferred from this folder',
      `name one: kagi compare <service> (services: ${servicesOf(project.scopes()).join(', ') || '(none)'})`,
    );
  }
  const stores = await readSelection(project, { kind: 'service', service });
  const configured = project.config().settings.envs;
  const present = [...stores.keys()].map((s) => splitScope(s).env);
  const envs = [
    ...configured.filter((e) => present.includes(e)),
    ...present.filter((e) => !configured.includes(e)).sort(),
  ];
  const byEnv = new Map(envs.map((env) => [env, stores.get(`${service}/${env}`)!]));
  const names = [...new Set([...stores.values()].flatMap((s) => [...s.secrets.keys()]))].sort();
  const keys: EnvMatrix['keys'] = {};
  for (const key of names) keys[key] = lettersOf(key, envs, byEnv);
  const counts = Object.fromEntries(envs.map((e) => [e, byEnv.get(e)!.secrets.size]));
  stores.clear();
  return { service, envs, keys, counts };
}

function lettersOf(
  key: string,
  envs: string[],
  byEnv: Map<string, { secrets: Map<string, { value: string }> }>,
): Record<string, string | null> {
  // Values are compared here and forgotten: only their order of first appearance survives.
  const seen = new Map<string, string>();
  const row: Record<string, string | null> = {};
  for (const env of envs) {
    const secret = byEnv.get(env)!.secrets.get(key);
    if (!secret) {
      row[env] = null;
      continue;
    }
    if (!seen.has(secret.value)) seen.set(secret.value, letterFor(seen.size));
    row[env] = seen.get(secret.value)!;
  }
  return row;
}
