// How `{0}`-style placeholders in a message are filled, as `vscode.l10n.t` fills them: the
// extension's pure modules (src/extension/pureL10n.ts) and the webview pages
// (webview-ui/shared/l10n.ts) format the same bundle messages, so both use this one rule.
export type PlaceholderArg = string | number | boolean;

/** `{n}` becomes the n-th argument; a placeholder without an argument stays as written. */
export function fillPlaceholders(message: string, args: readonly PlaceholderArg[]): string {
  return message.replace(/\{(\d+)\}/g, (whole, i: string) =>
    Number(i) < args.length ? String(args[Number(i)]) : whole,
  );
}
