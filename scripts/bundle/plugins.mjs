// esbuild plugins that keep age-encryption's unused or slow paths out of our node bundles
// (docs/architecture.md, "Bundle"). Shared by scripts/build.mjs and anything that bundles
// the vault the same way.
import { readFile } from 'node:fs/promises';

const here = (name) => new URL(`./${name}`, import.meta.url).pathname;

/**
 * X25519 is the only age recipient type kagi uses: ML-KEM hybrid and P-256 tag recipient
 * code is replaced by a stub that throws, and the pure-JS curve age falls back to where
 * WebCrypto lacks X25519 is loaded on first use instead of at start-up.
 */
export const x25519Only = {
  name: 'x25519-only',
  setup(b) {
    b.onResolve({ filter: /^@noble\/(post-quantum\/hybrid|curves\/nist)\.js$/ }, () => ({
      path: here('unsupported-age-recipients.js'),
    }));
    b.onResolve({ filter: /^@noble\/curves\/ed25519\.js$/ }, (args) =>
      /age-encryption[\\/]dist[\\/]x25519\.js$/.test(args.importer) ? { path: here('lazy-x25519.mjs') } : undefined,
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

export const nodePlugins = [x25519Only, ageWithoutFetch];
