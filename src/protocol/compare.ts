// The typed protocol between the environment matrix webview (webview-ui/compare/) and its host
// (src/extension/compareView.ts). What may cross: service, environment and key names, letters
// (equal values within a key share one), counts. Never a value or a fingerprint of one.

/** A key name from the page: bounded; the vault validates it again. */
export const MAX_NAME_LENGTH = 256;

export type CompareWebviewMessage =
  | { type: 'ready' }
  | { type: 'selectService'; service: string }
  /** asks for a value in the host's password box and sets it */
  | { type: 'setValue'; key: string; env: string }
  | { type: 'generate'; key: string; env: string }
  /** copies the value of `key` from env `from` to env `to`, after a modal in the host */
  | { type: 'copyFrom'; key: string; from: string; to: string };

export interface CompareMatrixView {
  type: 'matrix';
  service: string;
  services: string[];
  envs: string[];
  /** environments that are protected (kagi.protectedEnvironments) */
  protectedEnvs: string[];
  rows: Array<{ key: string; cells: Record<string, string | null> }>;
  counts: Record<string, number>;
}

export type CompareHostMessage =
  | CompareMatrixView
  | { type: 'blocked'; message: string }
  /** the last action's outcome, for the page's live region */
  | { type: 'status'; message: string };

const FIELDS: Record<CompareWebviewMessage['type'], string[]> = {
  ready: [],
  selectService: ['service'],
  setValue: ['key', 'env'],
  generate: ['key', 'env'],
  copyFrom: ['key', 'from', 'to'],
};

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_LENGTH;

/** The page is untrusted input: exactly one of the shapes above, or undefined. */
export function parseCompareMessage(raw: unknown): CompareWebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const msg = raw as Record<string, unknown>;
  if (typeof msg.type !== 'string' || !Object.hasOwn(FIELDS, msg.type)) return undefined;
  const fields = FIELDS[msg.type as CompareWebviewMessage['type']];
  const keys = Object.keys(msg).filter((k) => k !== 'type');
  if (keys.length !== fields.length || !fields.every((f) => isName(msg[f]))) return undefined;
  return msg as unknown as CompareWebviewMessage;
}
