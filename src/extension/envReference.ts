// "Replace with a reference to KEY": how a program in each language reads an environment
// variable. Pure (no `vscode`), unit-tested in plain Node.

const JS = new Set(['javascript', 'typescript', 'javascriptreact', 'typescriptreact']);
/** Front-end frameworks built with Vite read `import.meta.env`. */
const VITE = new Set(['vue', 'svelte', 'astro']);
const DOLLAR = new Set(['yaml', 'dockercompose', 'dotenv', 'properties', 'shellscript', 'dockerfile']);

export interface Reference {
  text: string;
  /** the literal's quotes go too: `"secret"` becomes `process.env.KEY`, not `"process.env.KEY"` */
  replaceQuotes: boolean;
}

/** Safe for the dotted form: an identifier. Other names use the bracket form. */
const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * The reference to `key` for a document of `languageId`; `documentText` tells a Vite project
 * (it already reads `import.meta.env`) from a Node one. Undefined: no known way in that language.
 */
export function referenceFor(languageId: string, key: string, documentText: string): Reference | undefined {
  const q = JSON.stringify(key);
  if (JS.has(languageId) || VITE.has(languageId)) {
    const base = VITE.has(languageId) || documentText.includes('import.meta.env') ? 'import.meta.env' : 'process.env';
    return { text: IDENT.test(key) ? `${base}.${key}` : `${base}[${q}]`, replaceQuotes: true };
  }
  if (languageId === 'python') return { text: `os.environ[${q}]`, replaceQuotes: true };
  if (languageId === 'go') return { text: `os.Getenv(${q})`, replaceQuotes: true };
  if (languageId === 'rust') return { text: `std::env::var(${q})`, replaceQuotes: true };
  if (DOLLAR.has(languageId)) return { text: `\${${key}}`, replaceQuotes: false };
  return undefined;
}

/**
 * The range to replace: the value, widened to its quotes when the reference replaces them
 * and the value is exactly a quoted literal.
 */
export function replacementSpan(
  text: string,
  start: number,
  length: number,
  replaceQuotes: boolean,
): { start: number; end: number } {
  const end = start + length;
  const before = text[start - 1];
  if (replaceQuotes && before !== undefined && `"'\``.includes(before) && text[end] === before) {
    return { start: start - 1, end: end + 1 };
  }
  return { start, end };
}
