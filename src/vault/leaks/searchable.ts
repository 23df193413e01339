// Which values `scan` and the editor's plaintext guard look for. A value that is short or common
// would flag every config file (`true`, `localhost`, a port) and say nothing about a leak, so only
// distinctive text is searched. The rule is stated once here and quoted by `kagi scan --help`.

/** Shorter values are never searched. */
export const MIN_SEARCH_LENGTH = 8;

/** Words that are values of many settings and secrets of none (compared lower-cased). */
const COMMON = new Set([
  'true',
  'false',
  'null',
  'undefined',
  'localhost',
  '127.0.0.1',
  '0.0.0.0',
  'http://localhost',
  'https://localhost',
  'development',
  'production',
  'staging',
  'password',
  'changeme',
  'disabled',
  'enabled',
]);

export const SEARCH_RULE =
  `values shorter than ${MIN_SEARCH_LENGTH} characters, numbers, values with fewer than 4 distinct ` +
  'characters, environment and service names, and common words (true, false, localhost, ' +
  '127.0.0.1, password, …) are not searched; a multi-line value (a PEM key) is searched line by line';

/**
 * The pieces of one value worth searching for: its lines, trimmed, that pass the rule.
 * `names` are the vault's environment and service names, which are never secret.
 */
export function searchablePieces(value: string, names: ReadonlySet<string>): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((piece) => isSearchable(piece, names));
}

export function isSearchable(piece: string, names: ReadonlySet<string>): boolean {
  if (piece.length < MIN_SEARCH_LENGTH) return false;
  if (/^[-+]?[\d.,_:]+$/.test(piece)) return false;
  if (new Set(piece).size < 4) return false;
  const lower = piece.toLowerCase();
  return !COMMON.has(lower) && !names.has(lower);
}
