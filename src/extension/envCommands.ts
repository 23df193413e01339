import * as vscode from 'vscode';
import { addEnv, removeEnv, renameEnv, validateName } from '../vault';
import type { Handlers } from './onDemand';
import { refOf, vaultOf } from './target';
import { validator } from './prompter';
import type { Ctx, VaultFolder } from './ctx';

export function envCommands(
  ctx: Ctx,
): Handlers<'kagi.switchEnvironment' | 'kagi.addEnvironment' | 'kagi.renameEnvironment' | 'kagi.removeEnvironment'> {
  return {
    'kagi.switchEnvironment': (arg) => switchEnv(ctx, arg),
    'kagi.addEnvironment': (arg) => add(ctx, arg),
    'kagi.renameEnvironment': (arg) => rename(ctx, arg),
    'kagi.removeEnvironment': (arg) => remove(ctx, arg),
  };
}

interface EnvTarget {
  v: VaultFolder;
  env: string;
}

async function envTarget(ctx: Ctx, arg: unknown, title: string): Promise<EnvTarget | undefined> {
  const ref = refOf(arg);
  const v = await vaultOf(ctx, ref);
  if (!v) return undefined;
  if (ref?.env) return { v, env: ref.env };
  const listing = await ctx.listings.get(v);
  const active = ctx.activeEnv(v);
  const env = await ctx.prompter.pick(
    listing.envs.map((e) => ({
      label: e,
      id: e,
      description: [e === active ? 'active' : '', e === listing.defaultEnv ? 'default' : '']
        .filter(Boolean)
        .join(' · '),
    })),
    { title, placeHolder: vscode.l10n.t('Environment (active: {0})', active) },
  );
  return env ? { v, env } : undefined;
}

/** Picks the environment tasks, debugging and completions use in a folder. */
async function switchEnv(ctx: Ctx, arg: unknown): Promise<string | undefined> {
  const t = await envTarget(ctx, arg, vscode.l10n.t('Kagi: Switch Environment'));
  if (!t) return undefined;
  await ctx.setActiveEnv(t.v, t.env);
  return t.env;
}

const nameError = validator((text) => validateName(text.trim(), 'environment'), vscode.l10n.t('Invalid name'));

async function add(ctx: Ctx, arg: unknown): Promise<string[] | undefined> {
  const v = await vaultOf(ctx, refOf(arg));
  if (!v) return undefined;
  const name = await ctx.prompter.input({
    title: vscode.l10n.t('Kagi: Add Environment'),
    prompt: vscode.l10n.t('New environment (created empty for every service)'),
    placeHolder: vscode.l10n.t('staging'),
    validate: nameError,
  });
  if (!name) return undefined;
  const envs = await addEnv(v.project, name.trim());
  ctx.fireChanged(v);
  ctx.log.info(`added environment ${name.trim()}`);
  return envs;
}

async function rename(ctx: Ctx, arg: unknown): Promise<unknown> {
  const t = await envTarget(ctx, arg, vscode.l10n.t('Kagi: Rename Environment'));
  if (!t) return undefined;
  const to = await ctx.prompter.input({
    title: vscode.l10n.t('Kagi: Rename {0}', t.env),
    prompt: vscode.l10n.t('New name (every scope of this environment is re-encrypted under it)'),
    value: t.env,
    validate: nameError,
  });
  if (!to || to.trim() === t.env) return undefined;
  const wasActive = ctx.activeEnv(t.v) === t.env;
  const moved = await renameEnv(t.v.project, t.env, to.trim());
  // One announcement for both the new active env and the write (each would re-read everything).
  if (wasActive) await ctx.storeActiveEnv(t.v, to.trim());
  ctx.fireChanged(t.v);
  ctx.log.info(`renamed environment ${t.env} to ${to.trim()} (${moved.length} scope(s))`);
  return moved;
}

/** Like `kagi env remove`: the person types the name, because every secret in it goes. */
async function remove(ctx: Ctx, arg: unknown): Promise<string[] | undefined> {
  const t = await envTarget(ctx, arg, vscode.l10n.t('Kagi: Remove Environment'));
  if (!t) return undefined;
  const typed = await ctx.prompter.input({
    title: vscode.l10n.t('Kagi: Remove {0}', t.env),
    prompt: vscode.l10n.t('This deletes every secret of {0} in every service. Type "{1}" to confirm.', t.env, t.env),
    validate: (text) => (text === t.env ? undefined : `Type ${t.env} exactly`),
  });
  if (typed !== t.env) return undefined;
  const removed = await removeEnv(t.v.project, t.env);
  if (ctx.activeEnv(t.v) === t.env) await ctx.storeActiveEnv(t.v, (await ctx.listings.get(t.v)).defaultEnv);
  ctx.fireChanged(t.v);
  ctx.log.info(`removed environment ${t.env} (${removed.length} scope(s))`);
  return removed;
}
