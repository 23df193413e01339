// The one door into the vault. `src/cli` and `src/extension` import `src/vault` (this list) and
// nothing deeper — a lint rule keeps it so (eslint.config.mjs). Each module here is a use case
// both front ends need; below them, the few domain types and helpers they pass around.
export * from './vault';
export * from './scope';
export * from './secrets';
export * from './listing';
export * from './dotenv';
export * from './sync';
export * from './migrate';
export * from './environments';
export * from './init';
export * from './processEnv';
export * from './members';
export * from './doctor';
export * from './files';
export * from './processFiles';
export * from './filesRecovery';
export * from './gitSetup';
export * from './gitDiff';
export * from './gitMerge';
export * from './gitResolve';
export * from './gitLog';
export * from './gitLastChange';
export * from './workspaceFiles';
export * from './scan';
export * from './compare';
export * from './injection';

export { KagiError, isKagiError, describeError, type KagiErrorCode } from '../errors';
export type { Store, Secret } from '../format/store';
export type { Member, Role, MemberStatus, AccessList } from '../format/access';
export type { ProjectConfig, Monorepo } from '../format/projectConfig';
export { hasConflictMarkers } from '../format/encoding';
export { joinScope, splitScope, servicesOf, normalizeKey, validateName, validateScope } from '../scopes/names';
export { parseDotenv, formatDotenv, readDotenvFile, type DotenvEntry } from '../dotenv';
export { discoverEnvFiles, envForFileName, type DiscoveredEnvFile } from '../dotenv/discovery';
export { generateSecret, entropyBits, MIN_LENGTH, MAX_LENGTH, type SecretFormat } from '../crypto/generate';
export { updateGitignore, gitIgnoreState, type IgnoreState } from '../git/ignore';
export { isPlainObject } from '../format/encoding';
