import * as os from 'node:os';
import * as path from 'node:path';

/**
 * What the vault reads from its surroundings. The CLI passes `process.env`; tests
 * and the extension pass their own, so nothing depends on the global process.
 */
export interface HostEnv {
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  homedir?: string;
}

/** The per-device folder the Rust CLI uses (`directories` crate, dev/kagi/kagi). */
export function dataDir(host: HostEnv): string {
  const { env } = host;
  if (env.KAGI_HOME !== undefined && env.KAGI_HOME !== '') return env.KAGI_HOME;
  const home = host.homedir ?? os.homedir();
  switch (host.platform ?? process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'dev.kagi.kagi');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'kagi', 'kagi', 'data');
    default: {
      const xdg = env.XDG_DATA_HOME;
      return xdg && path.isAbsolute(xdg) ? path.join(xdg, 'kagi') : path.join(home, '.local', 'share', 'kagi');
    }
  }
}

export const identityPath = (data: string) => path.join(data, 'identities', 'default.agekey');
export const keyCachePath = (data: string, projectId: string) => path.join(data, 'projects', `${projectId}.key`);
export const accessSnapshotPath = (data: string, projectId: string) =>
  path.join(data, 'projects', `${projectId}.access.json`);
export const journalPath = (data: string, projectId: string) =>
  path.join(data, 'projects', `${projectId}.rotation.json`);
/** There while a rotation writes temps into the vault before its journal exists (project/journal.ts). */
export const stagingPath = (data: string, projectId: string) =>
  path.join(data, 'projects', `${projectId}.rotation.staging`);
export const signingKeyPath = (data: string, memberId: string) => path.join(data, 'identities', `${memberId}.signkey`);

/** The default member name, as `member request` picks it. */
export function defaultMemberName(host: HostEnv): string {
  return host.env.USER?.trim() || host.env.USERNAME?.trim() || 'local';
}
