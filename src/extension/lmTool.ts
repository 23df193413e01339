// A language-model tool (`kagi_listSecretNames`) so a chat assistant or agent can write code
// against `process.env.KEY` without ever seeing a value: it returns scopes and key names from the
// listing (which has no values) and nothing else. `vscode.lm.registerTool` exists from VS Code
// 1.95; this extension supports 1.90, so the API is looked up at run time and skipped when absent.
// In Restricted Mode the tool is not registered (an assistant gets "no implementation"), and it
// is registered when the workspace is trusted; `invoke` checks trust again as a second lock.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export const TOOL_NAME = 'kagi_listSecretNames';

/** The slice of the 1.95+ API this tool uses (absent from @types/vscode 1.90). */
interface LmApi {
  registerTool(
    name: string,
    tool: { invoke(options: unknown, token: vscode.CancellationToken): Promise<unknown> },
  ): vscode.Disposable;
}
interface LmParts {
  LanguageModelToolResult: new (parts: unknown[]) => unknown;
  LanguageModelTextPart: new (text: string) => unknown;
}

/** Whether the running VS Code has the tool API; the tool itself waits for workspace trust. */
export function registerLanguageModelTool(ctx: Ctx): boolean {
  const lm = (vscode as unknown as { lm?: Partial<LmApi> }).lm;
  const parts = vscode as unknown as Partial<LmParts>;
  if (typeof lm?.registerTool !== 'function' || !parts.LanguageModelToolResult || !parts.LanguageModelTextPart) {
    return false;
  }
  const { LanguageModelToolResult, LanguageModelTextPart } = parts as LmParts;
  const register = () =>
    ctx.extension.subscriptions.push(
      lm.registerTool!(TOOL_NAME, {
        invoke: async () => new LanguageModelToolResult([new LanguageModelTextPart(await answer(ctx))]),
      }),
    );
  if (vscode.workspace.isTrusted) register();
  else ctx.extension.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(register));
  return true;
}

async function answer(ctx: Ctx): Promise<string> {
  if (!vscode.workspace.isTrusted)
    return vscode.l10n.t('Kagi lists secret names only in a trusted workspace (this one is in Restricted Mode).');
  return secretNames(ctx);
}

/** Scopes and key names of every vault, as text for a model. Never a value. */
export async function secretNames(ctx: Ctx): Promise<string> {
  const lines: string[] = [];
  for (const v of ctx.vaults()) {
    const listing = await ctx.listings.get(v);
    lines.push(`Vault in ${v.folder.name} (active environment: ${ctx.activeEnv(v)}):`);
    if (!listing.keys) {
      lines.push(
        `  key names unavailable (${listing.blocked?.state ?? 'not decrypted'}); scopes: ${listing.scopes.join(', ')}`,
      );
      continue;
    }
    for (const scope of listing.scopes) {
      const names = listing.keys.get(scope)?.names() ?? [];
      lines.push(`  ${scope}: ${names.join(', ') || '(no keys)'}`);
    }
  }
  if (lines.length === 0) return 'No kagi vault is open in this workspace.';
  lines.push(
    'Programs read these as environment variables (e.g. process.env.KEY); values are injected at run time and are never shown here.',
  );
  return lines.join('\n');
}
