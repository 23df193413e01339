// Bundles the three programs: the extension host entry and the CLI (CommonJS, node),
// and the team-access webview (browser). The ESM-only crypto packages are bundled in.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
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
if (existsSync('webview-ui/src/main.ts')) {
  builds.push({
    ...common,
    entryPoints: ['webview-ui/src/main.ts'],
    outfile: 'dist/webview/team.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}
if (existsSync('webview-ui/src/team.css')) {
  builds.push({
    ...common,
    entryPoints: ['webview-ui/src/team.css'],
    outfile: 'dist/webview/team.css',
    sourcemap: false,
  });
}
// The environment matrix page (its own small app; no value ever reaches it).
builds.push(
  {
    ...common,
    entryPoints: ['webview-ui/compare/main.ts'],
    outfile: 'dist/webview/compare.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  { ...common, entryPoints: ['webview-ui/compare/compare.css'], outfile: 'dist/webview/compare.css', sourcemap: false },
);

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
