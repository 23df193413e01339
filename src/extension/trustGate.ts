// Which commands may run in Restricted Mode. Pure, so a unit test can check the
// whole table (a single extension host can't toggle workspace trust).
import { COMMANDS, COMMAND_IDS, isCommandId, type Capability } from './commandTable';

export type { Capability } from './commandTable';

/** Each command's capability, as the command table declares it. */
export const COMMAND_CAPABILITY: Readonly<Record<string, Capability>> = Object.fromEntries(
  COMMAND_IDS.map((id) => [id, COMMANDS[id].capability]),
);

/**
 * Restricted Mode: nothing decrypts, reveals, runs or writes. Unknown commands
 * are refused too, so a new command can't slip through untrusted by omission.
 */
export function allowedInWorkspace(command: string, trusted: boolean): boolean {
  if (trusted) return true;
  return isCommandId(command) && COMMANDS[command].capability === 'structure';
}
