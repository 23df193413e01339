// The page's words in the workbench's language. The host puts VS Code's bundle for this
// extension (`vscode.l10n.bundle`, undefined in English) on the app element as JSON; `l10n.t`
// looks a message up there and fills `{0}`-style placeholders, as `vscode.l10n.t` does. Its
// messages reach l10n/bundle.l10n.json with the extension's (scripts/l10n.ts).
import { fillPlaceholders } from '../../src/protocol/placeholders';

type Arg = string | number;

let bundle: Record<string, string> | undefined;

function loaded(): Record<string, string> {
  if (bundle === undefined) {
    try {
      const raw = document.getElementById('app')?.dataset.l10n;
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      bundle = parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      bundle = {};
    }
  }
  return bundle;
}

export const l10n = {
  t(message: string, ...args: Arg[]): string {
    const text = loaded()[message];
    return fillPlaceholders(typeof text === 'string' ? text : message, args);
  },
};
