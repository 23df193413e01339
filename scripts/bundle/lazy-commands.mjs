// The extension's entry bundle reaches the command handlers (src/extension/commandHandlers.ts,
// built on its own as dist/commands.js) through a lazy door: activation registers every command
// and loads their handlers on the first run of any (src/extension/onDemandCommands.ts; bench
// `activation_vs_empty`). The two bundles must share no module of ours.
import { lazyDoor } from './lazy-door.mjs';

export const COMMANDS_DOOR = 'src/extension/commandHandlers.ts';

export const lazyCommands = lazyDoor({ name: 'lazy-commands', door: COMMANDS_DOOR, file: './commands.js' });

/** The source modules a bundle holds (the lazy doors' proxies and the host modules are not files). */
const sourcesOf = (metafile) => Object.keys(metafile.inputs).filter((f) => /^(src|webview-ui|node_modules)\//.test(f));

/**
 * Helpers both sides call, bundled into both (~5 KB): functions and a class with no module
 * state, so two copies behave as one. Nothing compares their classes by identity (the one
 * class, WindowPrompter, is only made by Ctx). A module joins this list only on those terms.
 */
const PURE_SHARED = new Set([
  'src/extension/target.ts',
  'src/extension/prompter.ts',
  'src/extension/scopePick.ts',
  'src/extension/injectionGuard.ts',
]);

/**
 * Both bundles run in the same extension host: a module bundled into both would be two modules
 * there, each with its own state (a translator set in one, a cache filled in the other), and
 * twice the code to load. Fails the build, naming them, so the split stays one seam.
 */
export function checkDisjoint(entryMeta, commandsMeta) {
  const inEntry = new Set(sourcesOf(entryMeta));
  const both = sourcesOf(commandsMeta).filter((f) => inEntry.has(f) && !PURE_SHARED.has(f));
  if (both.length > 0)
    throw new Error(
      `dist/extension.js and dist/commands.js both bundle ${both.join(', ')}: a module must live on one side of ` +
        'the command door (src/extension/onDemandCommands.ts); move it, or hand it to the handlers through OnDemandParts',
    );
}
