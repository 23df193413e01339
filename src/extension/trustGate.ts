// Which commands may run in Restricted Mode. Pure, so a unit test can check the
// whole table (a single extension host can't toggle workspace trust).

/** What a command does with the vault ('run': starts a program or terminal with secrets). */
export type Capability = 'structure' | 'decrypt' | 'write' | 'run';

export const COMMAND_CAPABILITY: Record<string, Capability> = {
  'kagi.refresh': 'structure',
  'kagi.showStatus': 'structure',
  'kagi.switchEnvironment': 'structure',
  'kagi.openTeam': 'structure',
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
  'kagi.openTerminalWithScope': 'run',
  'kagi.runLaunchWithSecrets': 'run',
  'kagi.runLaunchWithSecretsNoDebug': 'run',
  'kagi.requestAccess': 'write',
  'kagi.approveMember': 'write',
  'kagi.removeMember': 'write',
  'kagi.resolveAccessConflict': 'write',
  // without a member: this device's own recipient, read with its identity
  'kagi.copyRecipient': 'decrypt',
};

/**
 * Restricted Mode: nothing decrypts, reveals, runs or writes. Unknown commands
 * are refused too, so a new command can't slip through untrusted by omission.
 */
export function allowedInWorkspace(command: string, trusted: boolean): boolean {
  if (trusted) return true;
  return COMMAND_CAPABILITY[command] === 'structure';
}
