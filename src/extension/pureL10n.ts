// `l10n.t` for the extension's pure modules (no `vscode` import: the benchmarks and unit tests
// load them in plain Node). It formats English until activation hands it VS Code's translator;
// its messages reach l10n/bundle.l10n.json like any other `l10n.t` call (scripts/l10n.ts).
import { fillPlaceholders, type PlaceholderArg as Arg } from '../protocol/placeholders';

type Translate = (message: string, ...args: Arg[]) => string;

const english: Translate = (message, ...args) => fillPlaceholders(message, args);

let translate: Translate = english;

export const l10n = { t: (message: string, ...args: Arg[]): string => translate(message, ...args) };

/** Without an argument: back to English formatting (a test that swapped the translator restores it). */
export function useTranslator(t: Translate = english): void {
  translate = t;
}
