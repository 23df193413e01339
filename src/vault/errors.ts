/**
 * Every failure the vault can explain to a person. `message` says what happened,
 * `hint` says what to do; neither ever contains a secret value.
 */
export type KagiErrorCode =
  | 'not-a-project'
  | 'already-initialized'
  | 'bad-config'
  | 'bad-access'
  | 'bad-store'
  | 'auth-failed'
  | 'scope-not-found'
  | 'key-not-found'
  | 'bad-name'
  | 'bad-value'
  | 'bad-key'
  | 'no-identity'
  | 'not-a-member'
  | 'not-an-owner'
  | 'member-not-found'
  | 'last-owner'
  | 'membership-changed'
  | 'journal'
  | 'bad-dotenv'
  | 'conflict'
  | 'locked'
  | 'usage'
  | 'git'
  | 'io';

export class KagiError extends Error {
  constructor(
    readonly code: KagiErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'KagiError';
  }

  /** One line for a person: what happened, then what to do. */
  describe(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

export function isKagiError(e: unknown): e is KagiError {
  return e instanceof KagiError;
}

/** Node's fs errors carry a code; keep only what a person needs (never file content). */
export function ioError(action: string, path: string, e: unknown): KagiError {
  const code = (e as NodeJS.ErrnoException)?.code ?? 'unknown error';
  return new KagiError('io', `could not ${action} ${path} (${code})`, hintForErrno(code));
}

function hintForErrno(code: string): string | undefined {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'check the file permissions and owner';
    case 'ENOSPC':
      return 'free some disk space and retry';
    case 'EROFS':
      return 'the folder is read-only';
    default:
      return undefined;
  }
}

/**
 * One line about any failure that is safe to log or show: a KagiError's text (written
 * never to contain a value), else only the error's type, since other errors' messages
 * may quote the data they failed on.
 */
export function describeError(e: unknown): string {
  if (isKagiError(e)) return e.describe();
  return `unexpected ${e instanceof Error ? e.name : typeof e}`;
}
