// esbuild plugins for our node bundles (docs/architecture.md, "Bundle"). Shared by
// scripts/build.mjs and anything that bundles the vault the same way.
import * as fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import ts from 'typescript';
import { lazyModuleSource } from './lazy-door.mjs';

const require = createRequire(import.meta.url);
const here = (name) => new URL(`./${name}`, import.meta.url).pathname;

/**
 * The vault's X25519 (src/vault/crypto/x25519.ts) runs on node:crypto and falls back to
 * @noble/curves only where the runtime lacks X25519 keys; importing the curve builds its tables
 * (~10 ms per CLI run), so the bundle loads it on first use (lazy-x25519.mjs).
 */
export const lazyCurve = {
  name: 'lazy-curve',
  setup(b) {
    b.onResolve({ filter: /^@noble\/curves\/ed25519\.js$/ }, (args) =>
      /src[\\/]vault[\\/]crypto[\\/]x25519\.ts$/.test(args.importer) ? { path: here('lazy-x25519.mjs') } : undefined,
    );
  },
};

const hostModules = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'vscode']);

/**
 * One module per host module (Node's built-ins, `vscode`) for the whole bundle, re-exporting
 * the host module's names one by one. esbuild wraps `import * as fs from 'node:fs'` in
 * `__toESM(require(...))` in every module that writes it, and `export * from 'node:fs'` in a
 * run-time `__reExport`: both copy every property of the module into a new object of getters,
 * ~1 ms of each bundle's load for `fs`, `crypto`, `path`, `os` and `buffer`, and the `vscode`
 * API object at activation (bench `run_vs_floor`, `activation_vs_empty`). Named re-exports
 * compile to one `require` and plain property reads at each use (`import_node_fs.statSync`),
 * read live as before. A name used in our code but missing from the list fails the build
 * (`import-is-undefined` is an error in scripts/build.mjs); a listed name missing from the
 * runtime reads `undefined`, as it did through the copy.
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
        : `export { ${exportedNames(args.path).join(', ')} } from ${JSON.stringify(args.path)};`,
      loader: 'js',
    }));
  },
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The names a host module exports: a built-in's own properties here, `vscode`'s from its typings. */
function exportedNames(specifier) {
  const names = specifier === 'vscode' ? vscodeValueNames() : Object.getOwnPropertyNames(require(specifier));
  return names.filter((n) => IDENTIFIER.test(n) && n !== 'default').sort();
}

/**
 * The run-time values `declare module 'vscode'` declares in @types/vscode (the engine's API
 * the extension compiles against): its exported classes, enums, namespaces, functions and
 * variables, not its interfaces and types.
 */
function vscodeValueNames() {
  const file = require.resolve('@types/vscode/index.d.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const module = source.statements.find((s) => ts.isModuleDeclaration(s) && s.name.text === 'vscode');
  const names = [];
  for (const s of module?.body?.statements ?? []) {
    if (!s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isVariableStatement(s)) names.push(...s.declarationList.declarations.map((d) => d.name.getText(source)));
    else if (
      ts.isClassDeclaration(s) ||
      ts.isEnumDeclaration(s) ||
      ts.isModuleDeclaration(s) ||
      ts.isFunctionDeclaration(s)
    )
      names.push(s.name.text);
  }
  if (!names.includes('window') || !names.includes('Uri')) throw new Error(`${file}: no vscode API found`);
  return [...new Set(names)];
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
