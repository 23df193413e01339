// Where code reads an environment variable, per language. Pure string work so it
// is cheap per keystroke and testable without VS Code.

const KEY = '[A-Za-z_][A-Za-z0-9_]*';
/** Calls that read a variable by name: Python, Go, Rust, Ruby. */
const GETTER = `(?:${[
  String.raw`os\.getenv`,
  String.raw`os\.environ\.get`,
  String.raw`os\.Getenv`,
  String.raw`os\.LookupEnv`,
  String.raw`(?:std::)?env::var(?:_os)?`,
  String.raw`ENV\.fetch`,
].join('|')})`;

/** Line prefixes that end where a variable name is being typed. */
const COMPLETION_CONTEXTS: RegExp[] = [
  new RegExp(`(?:process\\.env|import\\.meta\\.env)\\.(${KEY})?$`),
  /(?:process\.env|import\.meta\.env|os\.environ|ENV)\[\s*["'`]([^"'`\]]*)$/,
  new RegExp(String.raw`${GETTER}\(\s*["']([^"']*)$`),
];

/** What has been typed of the name so far, if the cursor is in a variable-name position. */
export function typedKeyAt(linePrefix: string): string | undefined {
  for (const re of COMPLETION_CONTEXTS) {
    const m = re.exec(linePrefix);
    if (m) return m[1] ?? '';
  }
  return undefined;
}

/** Complete references, for hovers: the capture is the variable name. */
const REFERENCES: RegExp[] = [
  new RegExp(`(?:process\\.env|import\\.meta\\.env)\\.(${KEY})`, 'g'),
  /(?:process\.env|import\.meta\.env|os\.environ|ENV)\[\s*["'`]([^"'`\]]+)["'`]\s*\]/g,
  new RegExp(String.raw`${GETTER}\(\s*["']([^"']+)["']`, 'g'),
];

export interface KeySpan {
  key: string;
  start: number;
  end: number;
}

/** The variable name under `character`, if it sits inside one of the references above. */
export function referenceAt(line: string, character: number): KeySpan | undefined {
  for (const re of REFERENCES) {
    re.lastIndex = 0;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const key = m[1]!;
      const start = m.index + m[0].lastIndexOf(key);
      if (character >= start && character <= start + key.length) return { key, start, end: start + key.length };
    }
  }
  return undefined;
}

/** Template files whose keys the active environment should define. */
export function isEnvTemplate(fileName: string): boolean {
  return /(^|[\\/])\.env\.(example|sample|template)$/.test(fileName);
}
