// A lazy door: the imports of one module (the door) are answered by a proxy that requires a
// bundle built from that door on the first read of any export, so the entry bundle loads
// without it. Two doors use it: the vault (scripts/bundle/lazy-vault.mjs: dist/vault.js) and
// the extension's command handlers (dist/commands.js); docs/architecture.md, "Bundle".
import * as path from 'node:path';

/**
 * The source of a CommonJS module that requires `specifier` on the first read of any of its
 * exports. esbuild reads a CommonJS module's named exports by property at each use
 * (`import_x.name`), after `__toESM` made an object whose prototype is the module's prototype
 * and copied the module's own properties onto it. The module here owns none; its prototype is
 * a proxy that requires the real module on the first property read, so nothing loads until an
 * export is used. `__esModule` is answered without loading: `true` for a bundle (esbuild's
 * CommonJS), `undefined` for a Node built-in (scripts/bundle/plugins.mjs). `parts`: names
 * served by a smaller file that exports the same bindings (the vault's hot path,
 * scripts/bundle/vault-split.mjs), required instead of `specifier` for those names.
 */
export const lazyModuleSource = (specifier, { esModule, parts = [] }) => `
let loaded;
const load = () => (loaded ??= require(${JSON.stringify(specifier)}));
${parts
  .map(
    ({ file, names }, i) => `let loaded${i};
const names${i} = new Set(${JSON.stringify(names)});
const load${i} = () => (loaded${i} ??= require(${JSON.stringify(file)}));`,
  )
  .join('\n')}
const owner = (name) => ${parts.map((_, i) => `names${i}.has(name) ? load${i}() : `).join('')}load();
const exportsOnFirstUse = new Proxy(Object.create(null), {
  get: (_, name) => (name === '__esModule' ? ${esModule ? 'true' : 'undefined'} : owner(name)[name]),
  has: (_, name) => name in owner(name),
});
module.exports = Object.create(exportsOnFirstUse);
`;

/**
 * `door`: the module's path from the repository root (`src/vault/index.ts`); `file`: the bundle
 * the proxy requires, relative to the entry bundle (`./vault.js`); `parts`: see
 * lazyModuleSource. The door is recognised by the path an import resolves to (`../vault`,
 * `../../vault`, `./commandHandlers`), not by name.
 */
export function lazyDoor({ name, door, file, parts }) {
  const doorPath = path.resolve(door);
  const spec =
    path.basename(doorPath, '.ts') === 'index' ? path.basename(path.dirname(doorPath)) : path.basename(doorPath, '.ts');
  const isDoor = (args) => {
    if (!args.resolveDir || path.basename(args.path) !== spec) return false;
    const target = path.resolve(args.resolveDir, args.path);
    return target + '.ts' === doorPath || path.join(target, 'index.ts') === doorPath;
  };
  const files = new Set([file, ...(parts ?? []).map((p) => p.file)]);
  return {
    name,
    setup(b) {
      b.onResolve({ filter: new RegExp(`${spec}$`) }, (args) =>
        isDoor(args) ? { path: spec, namespace: name } : undefined,
      );
      b.onResolve({ filter: /.*/, namespace: name }, (args) =>
        files.has(args.path) ? { path: args.path, external: true } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: name }, () => ({
        contents: lazyModuleSource(file, { esModule: true, parts }),
        loader: 'js',
      }));
    },
  };
}
