// Bundles the programs: the extension host entry, the command handlers and the vault it loads
// on first use and the CLI (CommonJS, node), and the two
// webview apps (browser). The ESM-only crypto packages are bundled in.
import * as esbuild from 'esbuild';
import { lazyVault } from './bundle/lazy-vault.mjs';
import { lazyCommands, COMMANDS_DOOR, checkDisjoint } from './bundle/lazy-commands.mjs';
import { bundleOf, codeCacheLoader, writeDistPackageJson, writeStub } from './bundle/code-cache-entries.mjs';
import { nodePlugins } from './bundle/plugins.mjs';
import { buildVault } from './bundle/vault-split.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  // A host module's name our code uses but scripts/bundle/plugins.mjs does not re-export.
  logOverride: { 'import-is-undefined': 'error' },
  legalComments: 'none',
  plugins: nodePlugins,
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: bundleOf('dist/extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [lazyCommands, lazyVault, ...nodePlugins],
    metafile: true,
  },
  // The command handlers, required by dist/extension.js on a command's first run
  // (src/extension/onDemandCommands.ts, scripts/bundle/lazy-commands.mjs).
  {
    ...common,
    entryPoints: [COMMANDS_DOOR],
    outfile: bundleOf('dist/commands.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [lazyVault, ...nodePlugins],
    metafile: true,
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: bundleOf('dist/cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The same dist/vault.js as the extension's: the VSIX ships the CLI (Git's drivers and the
    // pre-commit guard run it from the extension's folder) without a second copy of the vault.
    plugins: [lazyVault, ...nodePlugins],
  },
  { ...codeCacheLoader, minify: production },
];
// The entries dist/extension.js, dist/commands.js and dist/cli.js run the bundles above through
// the V8 code cache (scripts/bundle/code-cache.cjs, docs/architecture.md "Bundle"); so do the
// vault's two (buildVault below).
writeDistPackageJson('dist');
writeStub('dist/extension.js');
writeStub('dist/commands.js');
writeStub('dist/cli.js', { shebang: true });
// The two webview apps (browser): one ESM build with code splitting, so the code both import
// (Lit, the shared @vscode-elements/elements components, webview-ui/shared/) lands once in
// dist/webview/shared.js, which each page's nonce'd module script imports (docs/webviews.md).
// A fixed chunk name: with two entries there is at most one shared chunk, and a stale hashed
// chunk left in dist/webview/ would otherwise ship in the VSIX.
builds.push({
  ...common,
  entryPoints: { team: 'webview-ui/team/main.ts', compare: 'webview-ui/compare/main.ts' },
  outdir: 'dist/webview',
  splitting: true,
  chunkNames: 'shared',
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
});
for (const app of ['team', 'compare']) {
  builds.push({
    ...common,
    entryPoints: [`webview-ui/${app}/${app}.css`],
    outfile: `dist/webview/${app}.css`,
    sourcemap: false,
  });
}

// The vault, required by dist/extension.js, dist/commands.js and dist/cli.js on first use
// (scripts/bundle/lazy-vault.mjs): two bundles, the hot path apart (scripts/bundle/vault-split.mjs).
const vault = { outdir: 'dist', options: common, watch };

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  await buildVault(vault);
} else {
  const [entry, commands] = await Promise.all([...builds.map((b) => esbuild.build(b)), buildVault(vault)]);
  // A module in both would exist twice in the host, with two states: the split is refused.
  checkDisjoint(entry.metafile, commands.metafile);
}
