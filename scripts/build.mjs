// Bundles the programs: the extension host entry, the vault it loads on first use and the CLI
// (CommonJS, node), and the two
// webview apps (browser). The ESM-only crypto packages are bundled in.
import * as esbuild from 'esbuild';
import { lazyVault } from './bundle/lazy-vault.mjs';
import { nodePlugins } from './bundle/plugins.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: nodePlugins,
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [lazyVault, ...nodePlugins],
  },
  // The vault, required by dist/extension.js on first use (scripts/bundle/lazy-vault.mjs).
  {
    ...common,
    entryPoints: ['src/vault/index.ts'],
    outfile: 'dist/vault.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
];
// The two webview apps (browser, IIFE): each bundles its page code, webview-ui/shared/ and the
// @vscode-elements/elements components it registers, so the page loads one nonce'd script.
for (const app of ['team', 'compare']) {
  builds.push(
    {
      ...common,
      entryPoints: [`webview-ui/${app}/main.ts`],
      outfile: `dist/webview/${app}.js`,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    },
    { ...common, entryPoints: [`webview-ui/${app}/${app}.css`], outfile: `dist/webview/${app}.css`, sourcemap: false },
  );
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
