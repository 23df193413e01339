// Every command of the extension, in one place. package.json's `contributes.commands` and
// `contributes.menus` are generated from this table (`npm run gen:contributions`; a unit test
// fails when package.json is out of date), the Restricted Mode gate reads its capabilities
// (trustGate.ts) and commandKit.ts registers commands by these ids only. Pure data, no
// `vscode`, so plain-Node tests and the generator can import it.

/** What a command does with the vault ('run': starts a program or terminal with secrets). */
export type Capability = 'structure' | 'decrypt' | 'write' | 'run';

/** Where a menu item shows. */
export type MenuLocation =
  'view/title' | 'view/item/context' | 'explorer/context' | 'scm/resourceState/context' | 'commandPalette';

export interface MenuSpec {
  where: MenuLocation;
  /**
   * The `when` clause without the trust condition: for every command that is not
   * structure-only, the generator appends `isWorkspaceTrusted`, so no menu can offer it in
   * Restricted Mode by omission.
   */
  when?: string;
  group?: string;
}

export interface CommandSpec {
  /** The palette title, shown as "Kagi: <title>". */
  title: string;
  /** A codicon name, shown as `$(<icon>)` in view toolbars and menus. */
  icon: string;
  capability: Capability;
  /** What the command is doing, for logs, error messages and the Restricted Mode refusal. */
  doing: string;
  menus?: MenuSpec[];
}

/** The palette category of every command. */
export const CATEGORY = 'Kagi';

const SECRETS_VIEW = 'view == kagi.secrets';
const ON_KEY = `${SECRETS_VIEW} && viewItem == kagi.key`;
const ON_ENV = `${SECRETS_VIEW} && viewItem =~ /^kagi\\.env(\\.default)?$/`;
const ON_FILE = `${SECRETS_VIEW} && viewItem == kagi.file`;
/** A scope's encrypted store, wherever a resource is shown. */
const ON_STORE = 'resourcePath =~ /[\\\\/]\\.kagi[\\\\/]secrets[\\\\/].*\\.enc$/';

export const COMMANDS = {
  'kagi.init': {
    title: 'Initialize Vault',
    icon: 'lock',
    capability: 'write',
    doing: 'Initializing a vault',
    menus: [
      { where: 'view/title', when: SECRETS_VIEW, group: '3_status@2' },
      { where: 'explorer/context', when: 'explorerResourceIsFolder && !kagi.hasVault', group: '7_kagi@3' },
    ],
  },
  'kagi.setSecret': {
    title: 'Set Secret…',
    icon: 'add',
    capability: 'write',
    doing: 'Setting a secret',
    menus: [
      { where: 'view/title', when: `${SECRETS_VIEW} && kagi.hasVault`, group: 'navigation@1' },
      { where: 'view/item/context', when: ON_KEY, group: '2_edit@1' },
      { where: 'view/item/context', when: ON_ENV, group: 'inline@1' },
    ],
  },
  'kagi.reveal': {
    title: 'Reveal Secret…',
    icon: 'eye',
    capability: 'decrypt',
    doing: 'Revealing a secret',
    menus: [
      { where: 'view/item/context', when: ON_KEY, group: 'inline@1' },
      // The right-click menu too: hover icons alone are easy to miss (issue 18).
      { where: 'view/item/context', when: ON_KEY, group: '1_value@1' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.copyValue': {
    title: 'Copy Value…',
    icon: 'copy',
    capability: 'decrypt',
    doing: 'Copying a secret',
    menus: [
      { where: 'view/item/context', when: ON_KEY, group: 'inline@2' },
      { where: 'view/item/context', when: ON_KEY, group: '1_value@2' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.deleteSecret': {
    title: 'Delete Secret…',
    icon: 'trash',
    capability: 'write',
    doing: 'Deleting a secret',
    menus: [
      { where: 'view/item/context', when: ON_KEY, group: '2_edit@9' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.generateSecret': {
    title: 'Generate Secret…',
    icon: 'sparkle',
    capability: 'write',
    doing: 'Generating a secret',
    menus: [
      { where: 'view/title', when: `${SECRETS_VIEW} && kagi.hasVault`, group: '1_secrets@2' },
      { where: 'view/item/context', when: ON_KEY, group: '2_edit@2' },
      { where: 'view/item/context', when: ON_ENV, group: '1_edit@2' },
    ],
  },
  'kagi.addEnvironment': {
    title: 'Add Environment…',
    icon: 'new-folder',
    capability: 'write',
    doing: 'Adding an environment',
    menus: [
      { where: 'view/title', when: `${SECRETS_VIEW} && kagi.hasVault`, group: '2_envs@1' },
      {
        where: 'view/item/context',
        when: `${SECRETS_VIEW} && viewItem =~ /^kagi\\.(service|root)$/`,
        group: '1_env@1',
      },
    ],
  },
  'kagi.renameEnvironment': {
    title: 'Rename Environment…',
    icon: 'edit',
    capability: 'write',
    doing: 'Renaming an environment',
    menus: [{ where: 'view/item/context', when: ON_ENV, group: '2_env@2' }],
  },
  'kagi.removeEnvironment': {
    title: 'Remove Environment…',
    icon: 'trash',
    capability: 'write',
    doing: 'Removing an environment',
    menus: [{ where: 'view/item/context', when: `${SECRETS_VIEW} && viewItem == kagi.env`, group: '2_env@9' }],
  },
  'kagi.removeScope': {
    title: 'Remove Scope…',
    icon: 'trash',
    capability: 'write',
    doing: 'Removing a scope',
    menus: [{ where: 'view/item/context', when: ON_ENV, group: '2_env@8' }],
  },
  'kagi.switchEnvironment': {
    title: 'Switch Environment…',
    icon: 'layers',
    capability: 'structure',
    doing: 'Switching the environment',
    menus: [
      { where: 'view/title', when: `${SECRETS_VIEW} && kagi.hasVault`, group: 'navigation@2' },
      { where: 'view/item/context', when: ON_ENV, group: '2_env@1' },
    ],
  },
  'kagi.importDotenv': {
    title: 'Import into Kagi…',
    icon: 'cloud-download',
    capability: 'write',
    doing: 'Importing a .env file',
    menus: [
      {
        where: 'explorer/context',
        when: 'resourceFilename =~ /^\\.env(\\..+)?$/ && !explorerResourceIsFolder',
        group: '7_kagi@1',
      },
      { where: 'commandPalette' },
    ],
  },
  'kagi.exportDotenv': {
    title: 'Export to .env…',
    icon: 'export',
    capability: 'decrypt',
    doing: 'Exporting to .env',
    menus: [
      { where: 'view/item/context', when: ON_ENV, group: '3_dotenv@1' },
      { where: 'explorer/context', when: 'explorerResourceIsFolder && kagi.hasVault', group: '7_kagi@2' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.addFile': {
    title: 'Add File to Kagi…',
    icon: 'file-add',
    capability: 'write',
    doing: 'Adding a file',
    menus: [
      { where: 'explorer/context', when: '!explorerResourceIsFolder && kagi.hasVault', group: '7_kagi@4' },
      { where: 'view/item/context', when: ON_ENV, group: '1_edit@3' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.openFile': {
    title: 'Open File…',
    icon: 'go-to-file',
    capability: 'decrypt',
    doing: 'Opening an encrypted file',
    menus: [
      { where: 'view/item/context', when: ON_FILE, group: 'inline@1' },
      { where: 'view/item/context', when: ON_FILE, group: '1_file@1' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.restoreFile': {
    title: 'Restore to Disk…',
    icon: 'save',
    capability: 'decrypt',
    doing: 'Restoring a file to disk',
    menus: [
      { where: 'view/item/context', when: ON_FILE, group: '1_file@2' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.removeFile': {
    title: 'Remove File…',
    icon: 'trash',
    capability: 'write',
    doing: 'Removing an encrypted file',
    menus: [
      { where: 'view/item/context', when: ON_FILE, group: '2_edit@9' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.refresh': {
    title: 'Refresh',
    icon: 'refresh',
    capability: 'structure',
    doing: 'Refreshing',
    menus: [{ where: 'view/title', when: SECRETS_VIEW, group: 'navigation@9' }],
  },
  'kagi.showStatus': {
    title: 'Show Status',
    icon: 'info',
    capability: 'structure',
    doing: 'Showing the status',
    menus: [{ where: 'view/title', when: SECRETS_VIEW, group: '3_status@1' }],
  },
  'kagi.runLaunchWithSecrets': {
    title: 'Run Launch Configuration with Secrets…',
    icon: 'debug-alt',
    capability: 'run',
    doing: 'Debugging with secrets',
  },
  'kagi.runLaunchWithSecretsNoDebug': {
    title: 'Run Launch Configuration with Secrets without Debugging…',
    icon: 'run',
    capability: 'run',
    doing: 'Running with secrets',
  },
  'kagi.openTerminalWithScope': {
    title: 'Open Terminal with Secrets of a Scope…',
    icon: 'terminal',
    capability: 'run',
    doing: 'Opening a terminal with secrets',
  },
  'kagi.openTeam': {
    title: 'Show Team Access',
    icon: 'organization',
    capability: 'structure',
    doing: 'Showing team access',
  },
  'kagi.requestAccess': {
    title: 'Request Access to This Vault…',
    icon: 'person-add',
    capability: 'write',
    doing: 'Requesting access',
  },
  'kagi.approveMember': {
    title: 'Approve Access Request…',
    icon: 'check',
    capability: 'write',
    doing: 'Approving a member',
  },
  'kagi.removeMember': {
    title: 'Remove Member and Rotate Key…',
    icon: 'person-remove',
    capability: 'write',
    doing: 'Removing a member',
  },
  'kagi.copyRecipient': {
    title: 'Copy My Recipient (Public Key)',
    icon: 'copy',
    // without a member: this device's own recipient, read with its identity
    capability: 'decrypt',
    doing: 'Copying a recipient',
  },
  'kagi.resolveAccessConflict': {
    title: 'Merge Conflicted access.json as Union',
    icon: 'git-merge',
    capability: 'write',
    doing: 'Merging access.json',
  },
  'kagi.setUpGitIntegration': {
    title: 'Set Up Git Integration',
    icon: 'source-control',
    // writes .gitattributes and this clone's Git config, which names a program Git will run
    capability: 'write',
    doing: 'Setting up the Git integration',
    menus: [
      { where: 'view/title', when: `${SECRETS_VIEW} && kagi.hasVault`, group: '3_status@3' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.openStoreChanges': {
    title: 'Open Changes (Keys Only)',
    icon: 'git-compare',
    capability: 'decrypt',
    doing: 'Comparing a store',
    menus: [
      { where: 'scm/resourceState/context', when: `scmProvider == git && ${ON_STORE}`, group: 'navigation@9' },
      { where: 'explorer/context', when: ON_STORE, group: '7_kagi@4' },
      { where: 'view/item/context', when: ON_ENV, group: '4_git@1' },
    ],
  },
  'kagi.resolveConflict': {
    title: 'Resolve Conflict…',
    icon: 'git-merge',
    capability: 'write',
    doing: 'Resolving a merge conflict',
    menus: [
      { where: 'scm/resourceState/context', when: `scmProvider == git && ${ON_STORE}`, group: 'navigation@10' },
      { where: 'commandPalette', when: 'kagi.hasVault' },
    ],
  },
  'kagi.showHistory': {
    title: 'Show History',
    icon: 'history',
    capability: 'decrypt',
    doing: 'Showing the history',
    menus: [
      { where: 'view/item/context', when: ON_KEY, group: '4_git@1' },
      { where: 'view/item/context', when: ON_ENV, group: '4_git@2' },
    ],
  },
  'kagi.scanWorkspace': {
    title: 'Scan Workspace for Plaintext Secrets',
    icon: 'shield',
    capability: 'decrypt',
    doing: 'Scanning the workspace for plaintext secrets',
    menus: [{ where: 'commandPalette', when: 'kagi.hasVault' }],
  },
  'kagi.compareEnvironments': {
    title: 'Compare Environments',
    icon: 'diff-multiple',
    capability: 'decrypt',
    doing: 'Comparing environments',
    menus: [
      { where: 'commandPalette', when: 'kagi.hasVault' },
      { where: 'view/title', when: `${SECRETS_VIEW} && kagi.hasVault`, group: '3_status@4' },
    ],
  },
  'kagi.ignorePlaintext': {
    title: 'Ignore This Plaintext Secret Here',
    icon: 'eye-closed',
    capability: 'decrypt',
    doing: 'Ignoring a plaintext secret',
    // a quick fix's command: it needs the diagnostic it came from
    menus: [{ where: 'commandPalette', when: 'false' }],
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;

export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** The spec of `id` (typed as the general shape, so optional fields read uniformly). */
export function commandSpec(id: CommandId): CommandSpec {
  return COMMANDS[id];
}

export function isCommandId(id: string): id is CommandId {
  return Object.hasOwn(COMMANDS, id);
}
