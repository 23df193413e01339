// The commands whose handlers load on first use. Activation registers every one of them here
// (behind the same Restricted Mode gate and ctx.guard as any command), and the first run of any
// of them loads their handlers: commandHandlers.ts, built on its own as dist/commands.js
// (docs/architecture.md, "Bundle"). Activation thus compiles and runs none of the handlers'
// code, which is most of the extension's (bench `activation_vs_empty`). A command VS Code runs
// right after activating us (`onCommand`) finds it registered and loads its handler then.
import * as commandHandlers from './commandHandlers';
import { registerGuarded } from './commandKit';
import type { Ctx } from './ctx';
import { ON_DEMAND_COMMANDS, type Handlers, type OnDemandCommandId, type OnDemandParts } from './onDemand';

export function registerOnDemandCommands(ctx: Ctx, parts: OnDemandParts): void {
  let handlers: Handlers<OnDemandCommandId> | undefined;
  const handlersOf = () => (handlers ??= commandHandlers.commandHandlers(ctx, parts));
  for (const id of ON_DEMAND_COMMANDS) registerGuarded(ctx, id, (...args) => handlersOf()[id](...args));
}
