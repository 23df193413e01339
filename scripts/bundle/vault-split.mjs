// The vault (src/vault/index.ts, the one door) ships as three CommonJS bundles in dist/, so that
// the commands people run all day load only what they use (bench `run_vs_floor`):
//
//   vault-shared.js  every module the hot path reaches: the format, the ciphers, age, the
//                    device's key, reading a scope (~55% of the vault)
//   vault-core.js    the hot path's exports (HOT_PATH below), re-exported from vault-shared.js
//   vault.js         the door: the rest of the use cases, and every export (the hot path's
//                    ones re-exported from vault-shared.js)
//
// A module is in exactly one file, so a class or a cache exists once per process whichever file
// loaded first. The lazy door (lazy-door.mjs) requires vault-core.js for a name of HOT_PATH and
// vault.js for any other, so `kagi run` and `kagi get` never load vault.js (~90 KB).
//
// esbuild splits only ES modules, and Node 20 gives an ES module no code cache: the first pass
// bundles both entries as ESM with splitting, and a second pass turns each output into CommonJS
// with esbuild (its source maps chained to the first's), which the code cache loader runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { bundleOf, writeStub } from './code-cache-entries.mjs';

/**
 * What `kagi run`, `kagi get` and the CLI around them use, by the module that defines it. The
 * entry names defining modules, not the door: esbuild splits by module, and importing the door
 * would put every use case on the hot path. A name the hot path uses but this list lacks still
 * works (from vault.js, loaded for it); test/unit/bundleSplit.test.ts says which commands load what.
 */
export const HOT_PATH = {
  'src/vault/errors.ts': ['KagiError', 'isKagiError', 'describeError'],
  'src/vault/usecases/vault.ts': ['openVault'],
  'src/vault/usecases/scope.ts': ['argumentGrammar', 'requireLocation', 'resolveGetTarget', 'resolveRunTarget'],
  'src/vault/usecases/secrets.ts': ['MASK', 'readScopeEnv', 'readSecret', 'readSelection', 'readSelectionKeys'],
  'src/vault/usecases/processEnv.ts': ['mergeEnv'],
  'src/vault/usecases/injection.ts': ['unapprovedDangerous', 'approveDangerous', 'dangerousWarning'],
  'src/vault/usecases/processFiles.ts': ['parseFileRequest', 'materializeFiles'],
};
export const HOT_PATH_NAMES = Object.values(HOT_PATH).flat();

const DOOR = 'src/vault/index.ts';
const DOOR_NAME = 'vault';
const CORE = 'vault-core';
const SHARED = 'vault-shared';
/** What the lazy door requires, relative to the bundle that holds it (lazy-vault.mjs). */
export const VAULT_DOOR_FILE = `./${DOOR_NAME}.js`;
export const VAULT_HOT_PATH_FILE = `./${CORE}.js`;

/** The hot path's entry, made here: a packaging choice, not a second door in src/. */
const hotPathEntry = (root) => ({
  name: 'vault-hot-path',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${CORE}$`) }, () => ({ path: CORE, namespace: 'vault-hot-path' }));
    b.onLoad({ filter: /.*/, namespace: 'vault-hot-path' }, () => ({
      contents: Object.entries(HOT_PATH)
        .map(([file, names]) => `export { ${names.join(', ')} } from ${JSON.stringify(path.resolve(root, file))};`)
        .join('\n'),
      resolveDir: root,
      loader: 'js',
    }));
  },
});

/**
 * Builds dist/vault.js, dist/vault-core.js and dist/vault-shared.js (stubs) and their bundles
 * into `outdir`. `options`: the node bundles' common esbuild options (minify, sourcemap, plugins).
 * With `watch`, returns the first pass's context; every rebuild runs the second pass again.
 */
export async function buildVault({ outdir, options, root = process.cwd(), watch = false }) {
  const esmDir = path.join(outdir, 'vault-esm');
  const toCommonJs = {
    name: 'vault-to-commonjs',
    setup(b) {
      b.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        await Promise.all([DOOR_NAME, CORE, SHARED].map((name) => commonJs(esmDir, outdir, name, options)));
      });
    },
  };
  const first = {
    ...options,
    entryPoints: { [DOOR_NAME]: path.resolve(root, DOOR), [CORE]: CORE },
    outdir: esmDir,
    splitting: true,
    // One fixed name: two entries make at most one shared chunk, and a stale hashed chunk would
    // otherwise linger; a second chunk would fail here (two outputs, one name), never ship.
    chunkNames: SHARED,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [hotPathEntry(root), ...(options.plugins ?? []), toCommonJs],
    metafile: true,
  };
  for (const name of [DOOR_NAME, CORE, SHARED]) writeStub(path.join(outdir, `${name}.js`));
  if (watch) {
    const ctx = await esbuild.context(first);
    await ctx.watch();
    return ctx;
  }
  return esbuild.build(first);
}

/** One ESM output as the CommonJS bundle its stub runs: `import … from './vault-shared.js'` → require. */
async function commonJs(esmDir, outdir, name, options) {
  const result = await esbuild.build({
    entryPoints: [path.join(esmDir, `${name}.js`)],
    outfile: bundleOf(path.join(outdir, `${name}.js`)),
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: options.minify,
    sourcemap: options.sourcemap,
    legalComments: 'none',
    logLevel: options.logLevel,
    write: false,
  });
  for (const file of result.outputFiles) {
    const text = file.path.endsWith('.js') ? exportsInPlace(file.text, file.path) : file.text;
    fs.writeFileSync(file.path, text);
  }
}

/**
 * esbuild's CommonJS output makes `module.exports` a copy of the namespace object: every export
 * a second getter, made at load (~0.6 ms for the shared file's ~170 and the hot path's 25). The
 * namespace object itself, marked `__esModule`, reads the same bindings live; its helper is
 * rewritten to return it (one line, same line count: source maps hold). A helper esbuild no
 * longer writes this way fails the build rather than shipping the copy unnoticed.
 */
function exportsInPlace(text, file) {
  const helper = /\bmodule\.exports ?= ?([\w$]+)\(/.exec(text)?.[1];
  const id = (name) => name.replace(/\$/g, '\\$');
  const match =
    helper &&
    new RegExp(
      `var ${id(helper)} ?= ?\\(?([\\w$]+)\\)? ?=> ?([\\w$]+)\\(([\\w$]+)\\(\\{\\}, ?"__esModule", ?\\{ ?value: ?(?:true|!0) ?\\}\\), ?\\1\\)`,
    ).exec(text);
  if (!match) {
    throw new Error(
      `${file}: esbuild's __toCommonJS helper not found; see exportsInPlace in scripts/bundle/vault-split.mjs`,
    );
  }
  const [whole, param, , defineProperty] = match;
  const minified = whole.includes('!0');
  const inPlace = minified
    ? `var ${helper}=${param}=>${defineProperty}(${param},"__esModule",{value:!0})`
    : `var ${helper} = (${param}) => ${defineProperty}(${param}, "__esModule", { value: true })`;
  return text.replace(whole, () => inPlace);
}
