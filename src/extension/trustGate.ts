// Which commands may run in Restricted Mode. Pure, so a unit test can check the
// whole table (a single extension host can't toggle workspace trust).

/** What a command does with the vault. */
export type Capability = 'structure' | 'decrypt' | 'write';

export const COMMAND_CAPABILITY: Record<string, Capability> = {
  'kagi.refresh': 'structure',
  'kagi.showStatus': 'structure',
  'kagi.switchEnvironment': 'structure',
  'kagi.init': 'write',
  'kagi.setSecret': 'write',
  'kagi.generateSecret': 'write',
  'kagi.deleteSecret': 'write',
  'kagi.addEnvironment': 'write',
  'kagi.renameEnvironment': 'write',
  'kagi.removeEnvironment': 'write',
  'kagi.importDotenv': 'write',
  'kagi.reveal': 'decrypt',
  'kagi.copyValue': 'decrypt',
  'kagi.exportDotenv': 'decrypt',
};

/**
 * Restricted Mode: nothing decrypts, reveals, runs or writes. Unknown commands
 * are refused too, so a new command can't slip through untrusted by omission.
 */
export function allowedInWorkspace(command: string, trusted: boolean): boolean {
  if (trusted) return true;
  return COMMAND_CAPABILITY[command] === 'structure';
}
