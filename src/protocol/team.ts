// The one typed protocol between the team-access webview (webview-ui/team/) and its
// host (src/extension/team/). Both sides import these types; the host runs
// every incoming message through `parseWebviewMessage` (./validate.ts).
//
// What may cross: names, member ids, roles, statuses, recipient fingerprints,
// full age recipients (public keys) and UI flags. Never a secret value, a
// wrapped key or a project key.

export type TeamRole = 'owner' | 'member';
export type TeamMemberStatus = 'pending' | 'active' | 'removed';

/** `kgm_` + nanoid; anything else is refused before it reaches the vault. */
export const MEMBER_ID_PATTERN = /^kgm_[A-Za-z0-9_-]+$/;
export const MAX_MEMBER_ID_LENGTH = 64;
export const MAX_VAULT_KEY_LENGTH = 4096;

// ---------------------------------------------------------------------------
// webview → host

export type WebviewMessage =
  /** The page has loaded its script and wants the current state. */
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Show another workspace folder's vault (key from TeamState.vaults). */
  | { type: 'selectVault'; vault: string }
  | { type: 'requestAccess' }
  | { type: 'approve'; memberId: string }
  | { type: 'reject'; memberId: string }
  | { type: 'remove'; memberId: string }
  | { type: 'setRole'; memberId: string; role: TeamRole }
  /** Copies a member's recipient; without memberId, this device's recipient. */
  | { type: 'copyRecipient'; memberId?: string }
  /** Rewrites a conflicted access.json as the union of both sides. */
  | { type: 'resolveConflict' };

export type WebviewMessageType = WebviewMessage['type'];

// ---------------------------------------------------------------------------
// host → webview

export interface TeamMemberView {
  id: string;
  name: string;
  role: TeamRole;
  status: TeamMemberStatus;
  /** recipientFingerprint(recipient), e.g. `3f2a-91bc-0d4e-7781` */
  fingerprint: string;
  /** the full age recipient (a public key) */
  recipient: string;
  /** this device's identity owns this entry */
  isMe: boolean;
  /**
   * an active entry that nothing this owner's device wrote, approved or confirmed
   * accounts for (a forged entry looks like this, and so does another owner's approval)
   */
  unverified?: boolean;
}

export interface TeamVaultRef {
  key: string;
  name: string;
}

interface WithVaults {
  vaults: TeamVaultRef[];
  /** key of the vault shown */
  vault: string;
}

export type TeamState =
  | { kind: 'loading' }
  | { kind: 'untrusted' }
  | { kind: 'no-vault' }
  | (WithVaults & { kind: 'error'; message: string })
  | (WithVaults & { kind: 'conflict'; message: string })
  | (WithVaults & {
      kind: 'ready';
      members: TeamMemberView[];
      /** this device passes the owner check */
      canManage: boolean;
      /** this device's own fingerprint when it has an identity */
      myFingerprint?: string;
      /** this device has an active entry */
      isMember: boolean;
      /** this device has a pending request */
      hasPendingRequest: boolean;
    });

export type TeamStateKind = TeamState['kind'];

export type HostMessage =
  | { type: 'state'; state: TeamState }
  /** An action is running (its label), or none (undefined). */
  | { type: 'busy'; busy?: string };

/** What the webview keeps across reloads with vscode.setState: UI flags only. */
export interface TeamUiState {
  collapsed: Partial<Record<'pending' | 'active' | 'removed', boolean>>;
}
