// The vault (src/vault/index.ts, the one door) ships as two CommonJS bundles in dist/, so that
// the commands people run all day load only what they use (bench `run_vs_floor`):
//
//   vault-shared.js  every module the hot path reaches: the format, the ciphers, age, the
//                    device's key, reading a scope (~55% of the vault); it also exports the hot
//                    path's names (HOT_PATH below) under their own names
//   vault.js         the door: the rest of the use cases, and every export (the hot path's
//                    ones re-exported from vault-shared.js)
//
// A module is in exactly one file, so a class or a cache exists once per process whichever file
// loaded first. The lazy door (lazy-door.mjs) requires vault-shared.js for a name of HOT_PATH
// and vault.js for any other, so `kagi run` and `kagi get` never load vault.js (~90 KB).
//
// esbuild splits only ES modules, and Node 20 gives an ES module no code cache: the first pass
// bundles two entries (the door and the hot path's names) as ESM with splitting, and a second
// pass turns the door and the shared chunk into CommonJS with esbuild (its source maps chained
// to the first's), which the code cache loader runs. The hot path's entry is not shipped: its
// names are added to the shared chunk's exports (withHotPathNames), which saves a file, a stub and
// a cache lookup on every `kagi run` (under 1 ms: bench/README.md, round 14).
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
export const VAULT_HOT_PATH_FILE = `./${SHARED}.js`;

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
 * Builds dist/vault.js and dist/vault-shared.js (stubs) and their bundles
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
        await Promise.all([
          commonJs(esmDir, outdir, DOOR_NAME, options),
          commonJs(esmDir, outdir, SHARED, options, withHotPathNames(esmDir)),
        ]);
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
  for (const name of [DOOR_NAME, SHARED]) writeStub(path.join(outdir, `${name}.js`));
  // A stub or a bundle an earlier build made for the hot path's entry would linger, unused.
  for (const stale of [`${CORE}.js`, bundleOf(`${CORE}.js`), `${bundleOf(`${CORE}.js`)}.map`])
    fs.rmSync(path.join(outdir, stale), { force: true });
  if (watch) {
    const ctx = await esbuild.context(first);
    await ctx.watch();
    return ctx;
  }
  return esbuild.build(first);
}

/**
 * The shared chunk's ESM text with the hot path's names added to its exports:
 * `export{local as openVault,…}`. The first pass's hot path entry only re-exports chunk bindings
 * (`import{Ua as a}from"./vault-shared.js";export{a as openVault}`); each name is mapped through
 * that to the chunk's own local. Anything else in that entry fails the build: a binding of its
 * own would be lost.
 */
function withHotPathNames(esmDir) {
  const entry = fs.readFileSync(path.join(esmDir, `${CORE}.js`), 'utf8');
  const chunk = fs.readFileSync(path.join(esmDir, `${SHARED}.js`), 'utf8');
  const clause = `\\{([^}]*)\\}`;
  const reexport = new RegExp(
    `^\\s*import\\s*${clause}\\s*from\\s*"\\./${SHARED}\\.js";?\\s*export\\s*${clause};?${TRAILING_COMMENTS.source}$`,
  ).exec(entry);
  // The chunk's own export clause is its last statement, before any trailing comments.
  const chunkExports = new RegExp(`\\bexport\\s*${clause};?(?=${TRAILING_COMMENTS.source}$)`).exec(chunk);
  if (!reexport) {
    throw new Error(`${esmDir}: the hot path entry is not a plain re-export of ${SHARED}.js; see withHotPathNames`);
  }
  if (!chunkExports)
    throw new Error(`${esmDir}: ${SHARED}.js does not end with its export clause; see withHotPathNames`);
  const localOfChunkExport = new Map(exportPairs(chunkExports[1]).map(([local, exported]) => [exported, local]));
  const chunkExportOfImport = new Map(exportPairs(reexport[1]).map(([exported, local]) => [local, exported]));
  const hotPath = exportPairs(reexport[2]).map(([local, name]) => {
    const chunkExport = chunkExportOfImport.get(local);
    const chunkLocal = localOfChunkExport.get(chunkExport);
    if (!chunkLocal) throw new Error(`${esmDir}: ${name} is not a binding of ${SHARED}.js; see withHotPathNames`);
    return { name, chunkExport, chunkLocal };
  });
  const missing = HOT_PATH_NAMES.filter((n) => !hotPath.some((h) => h.name === n));
  if (missing.length > 0) throw new Error(`${esmDir}: hot path names not exported: ${missing.join(', ')}`);
  // Unminified, the chunk already exports most names as themselves.
  const aliases = hotPath.filter((h) => h.chunkExport !== h.name).map((h) => `${h.chunkLocal} as ${h.name}`);
  // Right after the chunk's own export clause, on its line: before the legal and source map
  // comments, and no line of the chunk moves (its source map holds).
  const at = chunkExports.index + chunkExports[0].length;
  return aliases.length === 0 ? chunk : `${chunk.slice(0, at)}export{${aliases.join(',')}};${chunk.slice(at)}`;
}

/** `a as b, c` → [['a', 'b'], ['c', 'c']] */
const exportPairs = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [from, to = from] = s.split(/\s+as\s+/);
      return [from, to];
    });

/** Comments esbuild writes after the code: legal comments, the source map's URL. */
const TRAILING_COMMENTS = /(?:\s*(?:\/\/[^\n]*|\/\*[\s\S]*?\*\/))*\s*/;

/**
 * One ESM output as the CommonJS bundle its stub runs: `import … from './vault-shared.js'` → require.
 * `contents`: the ESM text to convert instead of the file's (the shared chunk with the hot path's names).
 */
async function commonJs(esmDir, outdir, name, options, contents) {
  const esmFile = path.join(esmDir, `${name}.js`);
  const result = await esbuild.build({
    ...(contents === undefined
      ? { entryPoints: [esmFile] }
      : { stdin: { contents, sourcefile: esmFile, resolveDir: esmDir } }),
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
