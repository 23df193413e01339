// esbuild plugins for our node bundles (docs/architecture.md, "Bundle"). Shared by
// scripts/build.mjs and anything that bundles the vault the same way.
import { builtinModules, createRequire } from 'node:module';
import { lazyModuleSource } from './lazy-door.mjs';

const require = createRequire(import.meta.url);
const here = (name) => new URL(`./${name}`, import.meta.url).pathname;

/**
 * The vault's X25519 (src/vault/crypto/x25519.ts) runs on node:crypto and falls back to
 * @noble/curves' ladder (x25519Curve.ts) only where the runtime lacks X25519 keys; loading the
 * curve costs ~2–3 ms of a CLI run, so the bundle loads it on first use (lazy-x25519.mjs).
 */
export const lazyCurve = {
  name: 'lazy-curve',
  setup(b) {
    b.onResolve({ filter: /^\.\/x25519Curve$/ }, (args) =>
      /src[\\/]vault[\\/]crypto[\\/]x25519\.ts$/.test(args.importer) ? { path: here('lazy-x25519.mjs') } : undefined,
    );
  },
};

const hostModules = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'vscode']);

/**
 * One module per host module (Node's built-ins, `vscode`) for the whole bundle. esbuild wraps
 * `import * as fs from 'node:fs'` in `__toESM(require(...))` in every module that writes it,
 * copying the module's properties each time (~7 ms of every CLI start, ~10 ms of the
 * extension's activation for the `vscode` API object); through one module, once. A built-in's
 * module re-exports its names one by one: `export * from 'node:fs'` would still copy every
 * property into an object of getters at load (~1 ms per bundle for `fs`, `crypto`, `path`, `os`
 * and `buffer`, bench `run_vs_floor`), named re-exports compile to one `require` and plain
 * property reads at each use (`import_node_fs.statSync`), live as before. A name our code uses
 * but the list lacks fails the build (`import-is-undefined` is an error in scripts/build.mjs).
 */
export const hostModulesOnce = {
  name: 'host-modules-once',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      // A CommonJS dependency's require() keeps Node's own module: no copy to save there.
      if (!hostModules.has(args.path) || args.kind === 'require-call') return undefined;
      if (args.namespace === 'host-module') return { path: args.path, external: true };
      return { path: args.path, namespace: 'host-module' };
    });
    b.onLoad({ filter: /.*/, namespace: 'host-module' }, (args) => ({
      contents: LOADED_ON_FIRST_USE.has(args.path.replace(/^node:/, ''))
        ? lazyModuleSource(args.path, { esModule: false })
        : args.path === 'vscode'
          ? // Its names are the running editor's: code reads API newer than @types/vscode off the
            // namespace (src/extension/lmTool.ts), so the copy of every run-time name stays.
            `export * from 'vscode';`
          : `export { ${exportedNames(args.path).join(', ')} } from ${JSON.stringify(args.path)};`,
      loader: 'js',
    }));
  },
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A built-in's names, as this Node has them (the extension host's Node is the same major or newer). */
function exportedNames(specifier) {
  return Object.getOwnPropertyNames(require(specifier))
    .filter((n) => IDENTIFIER.test(n) && n !== 'default')
    .sort();
}

/**
 * Built-ins that only some commands call: `child_process` (and the `net` it loads),
 * `readline` (a prompt) and `tty` (a terminal check). Their re-export requires them on the
 * first read of an export (lazy-door.mjs's proxy), so a command that neither spawns nor
 * prompts, such as `kagi get`, never loads them: ~2 ms of its ~205 (bench/README.md "round 8").
 * Nothing reads them at a module's top level, or they would load at start again.
 */
const LOADED_ON_FIRST_USE = new Set(['child_process', 'readline', 'tty']);

export const nodePlugins = [lazyCurve, hostModulesOnce];
