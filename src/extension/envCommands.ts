import { registerGuarded } from './commandKit';
import { refOf, vaultOf } from './target';
import type { Ctx } from './ctx';

/** Picks the environment tasks, debugging and completions use in a folder. */
export function registerEnvCommands(ctx: Ctx): void {
  registerGuarded(ctx, 'kagi.switchEnvironment', async (arg) => {
    const ref = refOf(arg);
    const v = await vaultOf(ctx, ref);
    if (!v) return undefined;
    const listing = await ctx.listings.get(v);
    const active = ctx.activeEnv(v);
    const env = ref?.env ?? (await ctx.prompter.pick(listing.envs.map((e) => ({
      label: e, id: e, description: [e === active ? 'active' : '', e === listing.defaultEnv ? 'default' : ''].filter(Boolean).join(' · '),
    })), { title: 'Kagi: Switch Environment', placeHolder: `Active: ${active}` }));
    if (!env) return undefined;
    await ctx.setActiveEnv(v, env);
    return env;
  });
}
