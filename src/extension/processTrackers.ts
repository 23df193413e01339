import type { ProcessFileSessions } from './processFileSessions';
import type { StaleEnvironments } from './staleEnv';

/**
 * What follows every process Kagi starts with secrets (task, debug session, terminal): the
 * private folder of its file paths, removed when it ends, and whether its values went stale.
 */
export interface ProcessTrackers {
  fileSessions: ProcessFileSessions;
  stale: StaleEnvironments;
}
