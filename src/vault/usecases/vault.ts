// Opening a vault on this device: the handle every use case takes.
import { Project } from '../project/project';
import type { HostEnv } from '../device/dataDir';
import { defaultMemberName } from '../device/dataDir';

export { Project, findProjectRoot, KAGI_DIR } from '../project/project';
export type { HostEnv } from '../device/dataDir';
export type { KeySource } from '../device/projectKey';
export { defaultMemberName };

/** Opens the vault whose `.kagi/` is in `root`; a clear error when there is none. */
export function openVault(root: string, host: HostEnv): Project {
  return Project.open(root, host);
}
