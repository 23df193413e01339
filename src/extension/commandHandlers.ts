// The door of dist/commands.js: the handlers of the commands onDemandCommands.ts registers at
// activation, and the Team view's flows, loaded on the first run of any of them
// (docs/architecture.md, "Bundle"). Only onDemandCommands.ts and team/provider.ts import this
// module; what lives below it is never in the entry bundle (scripts/build.mjs fails the build
// when a module is in both).
import type { Ctx, VaultFolder } from './ctx';
import { TeamActions } from './team/actions';
import type { Handlers, OnDemandCommandId, OnDemandParts } from './onDemand';
import { secretCommands } from './secretCommands';
import { generateCommand } from './generateCommand';
import { statusCommand } from './statusCommand';
import { initCommand } from './initCommand';
import { envCommands } from './envCommands';
import { scopeCommands } from './scopeCommands';
import { dotenvCommands } from './dotenvCommands';
import { gitCommands } from './gitCommands';
import { fileCommands } from './fileCommands';

/** Every on-demand command's handler, made once per activation (their state lives with ctx's subscriptions). */
export function commandHandlers(ctx: Ctx, parts: OnDemandParts): Handlers<OnDemandCommandId> {
  return {
    ...secretCommands(ctx),
    ...generateCommand(ctx),
    ...statusCommand(ctx),
    ...initCommand(ctx, parts.git),
    ...envCommands(ctx),
    ...scopeCommands(ctx),
    ...dotenvCommands(ctx, parts.git),
    ...gitCommands(ctx, parts.git),
    ...fileCommands(ctx, parts.viewer),
  };
}

/** The Team view's flows (team/provider.ts asks for them on the first action). */
export function teamActions(ctx: Ctx, recoverInterrupted: (ctx: Ctx, v: VaultFolder) => Promise<boolean>): TeamActions {
  return new TeamActions(ctx, recoverInterrupted);
}
