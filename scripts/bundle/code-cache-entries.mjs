// The node bundles' entries: each of dist/cli.js, dist/vault.js and dist/extension.js is a stub
// that runs its bundle (dist/<name>.bundle.js) through the V8 code cache of dist/code-cache.js
// (scripts/bundle/code-cache.cjs). The entry names stay what VS Code (package.json `main`), Git's
// launcher and the lazy vault door (`require('./vault.js')`) already name.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The bundle a stub runs: `dist/cli.js` → `dist/cli.bundle.js`. */
export const bundleOf = (entry) => entry.replace(/\.js$/, '.bundle.js');

/** The loader, bundled like the rest (a plain CommonJS file with only Node built-ins). */
export const codeCacheLoader = {
  entryPoints: ['scripts/bundle/code-cache.cjs'],
  outfile: 'dist/code-cache.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
};

export function stubSource(entry, { shebang = false } = {}) {
  const body = path.basename(bundleOf(entry));
  return `${shebang ? '#!/usr/bin/env node\n' : ''}'use strict';
// Runs ${body} through the V8 code cache (scripts/bundle/code-cache.cjs; KAGI_NO_CODE_CACHE=1 turns it off).
require('./code-cache.js').load(module, require, ${JSON.stringify(body)});
`;
}

/**
 * dist/package.json: Node looks for the package.json nearest to every CommonJS file it loads,
 * to learn the file's module type. Without this one the nearest is the extension's manifest
 * (~27 KB), read and parsed on every `kagi` start (under 1 ms: bench/README.md, round 14).
 * It says only what Node would assume: these files are CommonJS.
 */
export const DIST_PACKAGE_JSON = `${JSON.stringify({ type: 'commonjs' })}\n`;

export function writeDistPackageJson(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), DIST_PACKAGE_JSON);
}

export function writeStub(entry, opts) {
  mkdirSync(path.dirname(entry), { recursive: true });
  writeFileSync(entry, stubSource(entry, opts), { mode: opts?.shebang ? 0o755 : 0o644 });
}
