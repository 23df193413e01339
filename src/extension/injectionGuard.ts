// Questions before secrets reach a program (a task, a debug launch, a terminal):
// - a protected environment (`kagi.protectedEnvironments`, default production) asks first, in a
//   modal naming the scope and the program;
// - a key with a dangerous name (PATH, LD_*, NODE_OPTIONS…: the vault's one rule) whose value this
//   device did not write or approve asks first, naming the keys.
// The environment-collection refresh can't ask (it runs in the background): it leaves out what
// would need a question (see `needsQuestion`).
// Writing such a key (Set Secret, import) warns by name, as the CLI does (`warnDangerous`).
import * as vscode from 'vscode';
import {
  approveDangerous,
  dangerousWarning,
  KagiError,
  noteWrittenDangerous,
  splitScope,
  unapprovedDangerous,
  type SecretEnv,
} from '../vault';
import type { Ctx, VaultFolder } from './ctx';

export function isProtectedScope(ctx: Ctx, v: VaultFolder, scope: string): boolean {
  return ctx.config(v.folder.uri).protectedEnvironments.includes(splitScope(scope).env);
}

/** Asks what must be asked before `program` gets `scope`; throws a cancellation when refused. */
export async function confirmInjection(
  ctx: Ctx,
  v: VaultFolder,
  scope: string,
  secrets: SecretEnv,
  program: string,
): Promise<void> {
  if (isProtectedScope(ctx, v, scope)) {
    const go = vscode.l10n.t('Use {0}', scope);
    const answer = await ctx.prompter.confirm(
      vscode.l10n.t('{0} would receive the secrets of {1}, a protected environment.', program, scope),
      vscode.l10n.t(
        'Kagi asks before a task, a debug launch or a terminal gets the secrets of a protected environment (setting kagi.protectedEnvironments).',
      ),
      [go],
    );
    if (answer !== go) throw cancelled(program, scope);
  }
  const risky = await unapprovedDangerous(v.project, scope, secrets);
  if (risky.length > 0) {
    const go = vscode.l10n.t('Inject {0}', risky.join(', '));
    const answer = await ctx.prompter.confirm(
      `${program}: ${dangerousWarning(risky, scope)}.`,
      vscode.l10n.t(
        'This device did not write or approve these values. Check them (Kagi: Reveal Secret) if you are not sure who set them.',
      ),
      [go],
    );
    if (answer !== go) throw cancelled(program, scope);
    await approveDangerous(v.project, scope, Object.fromEntries(risky.map((n) => [n, secrets[n]!])));
  }
}

/** For the background refresh: true when injecting would need a question. */
export async function needsQuestion(
  ctx: Ctx,
  v: VaultFolder,
  scope: string,
  secrets: SecretEnv,
): Promise<string | undefined> {
  if (isProtectedScope(ctx, v, scope)) return `${scope} is a protected environment`;
  const risky = await unapprovedDangerous(v.project, scope, secrets);
  return risky.length > 0 ? `${risky.join(', ')} in ${scope} need an approval` : undefined;
}

function cancelled(program: string, scope: string): KagiError {
  return new KagiError(
    'usage',
    `${program} was not started with the secrets of ${scope}`,
    'answer the question to go ahead, or choose another environment',
  );
}

/** After this device wrote `values`: a warning naming the dangerous keys among them (the CLI warns alike). */
export async function warnDangerous(ctx: Ctx, v: VaultFolder, scope: string, values: SecretEnv): Promise<void> {
  const risky = await noteWrittenDangerous(v.project, scope, values);
  if (risky.length > 0) ctx.prompter.warn(vscode.l10n.t('Kagi: {0}.', dangerousWarning(risky, scope)));
}
