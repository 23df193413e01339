// Runtime validation of webview → host messages. The page is treated as
// untrusted input: anything that is not exactly one of the shapes in
// ./team.ts (no extra fields, well-formed ids) is refused.
import {
  MAX_MEMBER_ID_LENGTH,
  MAX_VAULT_KEY_LENGTH,
  MEMBER_ID_PATTERN,
  type HostMessage,
  type TeamRole,
  type WebviewMessage,
  type WebviewMessageType,
} from './team';

type Field = 'memberId' | 'role' | 'vault';

/** Per type: required and optional fields besides `type`. */
const SHAPES: Record<WebviewMessageType, { required: Field[]; optional: Field[] }> = {
  ready: { required: [], optional: [] },
  refresh: { required: [], optional: [] },
  selectVault: { required: ['vault'], optional: [] },
  requestAccess: { required: [], optional: [] },
  approve: { required: ['memberId'], optional: [] },
  reject: { required: ['memberId'], optional: [] },
  remove: { required: ['memberId'], optional: [] },
  setRole: { required: ['memberId', 'role'], optional: [] },
  copyRecipient: { required: [], optional: ['memberId'] },
  resolveConflict: { required: [], optional: [] },
};

const FIELD_CHECKS: Record<Field, (v: unknown) => boolean> = {
  memberId: isMemberId,
  role: isRole,
  vault: (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_VAULT_KEY_LENGTH,
};

export function isMemberId(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_MEMBER_ID_LENGTH && MEMBER_ID_PATTERN.test(v);
}

export function isRole(v: unknown): v is TeamRole {
  return v === 'owner' || v === 'member';
}

/** A JSON-like object: no arrays, no class instances, no getters. */
function isPlainRecord(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const d of Object.values(Object.getOwnPropertyDescriptors(x))) {
    if (!('value' in d)) return false;
  }
  return Object.getOwnPropertySymbols(x).length === 0;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The message if it is exactly one of the protocol's shapes, else undefined. */
export function parseWebviewMessage(x: unknown): WebviewMessage | undefined {
  if (!isPlainRecord(x)) return undefined;
  const type = x.type;
  if (typeof type !== 'string' || !hasOwn(SHAPES, type)) return undefined;
  const shape = SHAPES[type as WebviewMessageType];
  for (const key of Object.keys(x)) {
    if (key === 'type') continue;
    if (!(shape.required as string[]).includes(key) && !(shape.optional as string[]).includes(key)) return undefined;
    if (!FIELD_CHECKS[key as Field](x[key])) return undefined;
  }
  for (const key of shape.required) {
    if (!hasOwn(x, key)) return undefined;
  }
  // Rebuild instead of returning the input: only the fields checked above survive.
  const out: Record<string, unknown> = { type };
  for (const key of [...shape.required, ...shape.optional]) if (hasOwn(x, key)) out[key] = x[key];
  return out as WebviewMessage;
}

/**
 * For logs: the message's `type` if it looks like an identifier, else its JS
 * type. Never echoes other content of a rejected message.
 */
export function describeMessageType(x: unknown): string {
  if (isPlainRecord(x) && typeof x.type === 'string') {
    return /^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(x.type) ? `type=${x.type}` : 'type=<invalid>';
  }
  if (x === null) return 'null';
  return Array.isArray(x) ? 'array' : typeof x;
}

/** Light check on the webview side: the host is trusted, this guards against stray messages. */
export function isHostMessage(x: unknown): x is HostMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as { type?: unknown; state?: { kind?: unknown } };
  if (m.type === 'busy') return true;
  return m.type === 'state' && typeof m.state === 'object' && m.state !== null && typeof m.state.kind === 'string';
}
