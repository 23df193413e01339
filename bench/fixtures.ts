import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { initProject, Project, type HostEnv, type Store } from '../src/vault';
import { device as testDevice, tempDir as testTempDir } from '../test/unit/helpers';

export interface BenchVault {
  root: string;
  host: HostEnv & { home: string };
  scopes: string[];
}

/** The unit tests' temp folders and devices, so both measure the same setup. */
export const tempDir = (name: string) => testTempDir(`kagi-bench-${name}-`);
export const device = (name: string) => testDevice(name);

/** Values shaped like real secrets: URLs, tokens, short flags. */
export function secretValue(i: number): string {
  switch (i % 3) {
    case 0:
      return `postgres://app:${randomBytes(12).toString('hex')}@db-${i}.internal:5432/app`;
    case 1:
      return randomBytes(24).toString('base64');
    default:
      return `${i % 2 === 0}`;
  }
}

export function makeStore(scope: string, keys: number): Store {
  const secrets = new Map();
  for (let k = 0; k < keys; k++) {
    const key = `SECRET_${String(k).padStart(3, '0')}`;
    secrets.set(key, { key, value: secretValue(k), extra: {} });
  }
  return { name: scope, secrets, extra: {} };
}

/** services × envs × keys, written through the vault itself. */
export async function makeVault(services: number, envs: string[], keys: number): Promise<BenchVault> {
  const root = tempDir('vault');
  const host = device('owner');
  const { project } = await initProject(root, host, { envs });
  const scopes: string[] = [];
  await project.mutate(async (tx) => {
    for (let s = 0; s < services; s++) {
      for (const env of tx.config.settings.envs) {
        const scope = `svc${String(s).padStart(3, '0')}/${env}`;
        await tx.write(scope, makeStore(scope, keys));
        scopes.push(scope);
      }
    }
  });
  return { root, host, scopes };
}

/** The same data as plaintext .env files, one per scope: the baseline's input. */
export async function plaintextCopy(v: BenchVault): Promise<string> {
  const dir = tempDir('plain');
  const project = Project.open(v.root, v.host);
  const cfg = project.config();
  const { key } = await project.key(cfg);
  for (const scope of v.scopes) {
    const store = project.readScope(cfg, scope, key);
    const lines = [...store.secrets.values()].map((s) => `${s.key}="${s.value}"`);
    const file = path.join(dir, `${scope.replace('/', '__')}.env`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
  }
  return dir;
}
