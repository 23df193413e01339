// esbuild plugins that keep age-encryption's unused or slow paths out of our node bundles
// (docs/architecture.md, "Bundle"). Shared by scripts/build.mjs and anything that bundles
// the vault the same way.
import { builtinModules } from 'node:module';
import { readFile } from 'node:fs/promises';
import { lazyModuleSource } from './lazy-door.mjs';

const here = (name) => new URL(`./${name}`, import.meta.url).pathname;

/**
 * X25519 is the only age recipient type kagi uses: ML-KEM hybrid and P-256 tag recipient
 * code is replaced by a stub that throws; age's X25519 goes through the vault's (src/vault/crypto/x25519.ts: node:crypto instead of
 * WebCrypto, via node-x25519.ts), and the pure-JS curve it falls back to is loaded on first use;
 * age's HKDF and HMAC over SHA-256 go through node:crypto too (node-hashes.mjs).
 */
export const x25519Only = {
  name: 'x25519-only',
  setup(b) {
    b.onResolve({ filter: /^@noble\/(post-quantum\/hybrid|curves\/nist)\.js$/ }, () => ({
      path: here('unsupported-age-recipients.js'),
    }));
    b.onResolve({ filter: /^@noble\/hashes\/(hkdf|hmac)\.js$/ }, (args) =>
      /age-encryption[\\/]dist[\\/]/.test(args.importer) ? { path: here('node-hashes.mjs') } : undefined,
    );
    b.onResolve({ filter: /^\.\/x25519\.js$/ }, (args) =>
      /age-encryption[\\/]dist[\\/]recipients\.js$/.test(args.importer) ? { path: here('node-x25519.ts') } : undefined,
    );
    // The vault's X25519 falls back to @noble/curves only where the runtime lacks X25519 keys.
    b.onResolve({ filter: /^@noble\/curves\/ed25519\.js$/ }, (args) =>
      /src[\\/]vault[\\/]crypto[\\/]x25519\.ts$/.test(args.importer) ? { path: here('lazy-x25519.mjs') } : undefined,
    );
  },
};

/** age's stream collection without `new Response()`, which loads Node's whole fetch (undici). */
export const ageWithoutFetch = {
  name: 'age-without-fetch',
  setup(b) {
    b.onLoad({ filter: /age-encryption[\\/]dist[\\/]io\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const patched = source
        .replace('return new Uint8Array(await new Response(stream).arrayBuffer());', 'return await __collect(stream);')
        .replace(
          'return await new Response(stream).text();',
          'return new TextDecoder().decode(await __collect(stream));',
        );
      if (patched.includes('new Response('))
        throw new Error('age-encryption io.js changed: update the age-without-fetch build patch');
      return {
        contents: `import { collect as __collect } from ${JSON.stringify(here('age-read-all.mjs'))};\n${patched}`,
        loader: 'js',
      };
    });
  },
};

const hostModules = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'vscode']);

/**
 * One namespace object per host module (Node's built-ins, `vscode`) for the whole bundle.
 * esbuild wraps `import * as fs from 'node:fs'` in `__toESM(require(...))` in every module
 * that writes it, copying the module's properties each time: ~7 ms of every CLI start and
 * ~10 ms of the extension's activation (the `vscode` API object, once per module). Routed
 * through one ESM re-export, the copy happens once per host module.
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
        : `export * from ${JSON.stringify(args.path)};`,
      loader: 'js',
    }));
  },
};

/**
 * Built-ins that only some commands call: `child_process` (and the `net` it loads),
 * `readline` (a prompt) and `tty` (a terminal check). Their re-export requires them on the
 * first read of an export (lazy-door.mjs's proxy), so a command that neither spawns nor
 * prompts, such as `kagi get`, never loads them: ~2 ms of its ~205 (bench/README.md "round 8").
 * Nothing reads them at a module's top level, or they would load at start again.
 */
const LOADED_ON_FIRST_USE = new Set(['child_process', 'readline', 'tty']);

export const nodePlugins = [x25519Only, ageWithoutFetch, hostModulesOnce];
