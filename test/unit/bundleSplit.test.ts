// The extension's entry bundle reaches the vault through scripts/bundle/lazy-vault.mjs: built
// with the real esbuild and the real plugins, required by the real Node, the vault bundle
// must load on the first use of the door and not before, and behave as the door itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { tempDir } from './helpers';

interface Entry {
  scopeOf(scope: string): { service?: string; env: string };
  makeError(): Error;
  recognises(e: unknown): boolean;
}

async function plugins(): Promise<esbuild.Plugin[]> {
  const href = (rel: string) => pathToFileURL(path.resolve(rel)).href;
  const { lazyVault } = (await import(href('scripts/bundle/lazy-vault.mjs'))) as { lazyVault: esbuild.Plugin };
  const { nodePlugins } = (await import(href('scripts/bundle/plugins.mjs'))) as { nodePlugins: esbuild.Plugin[] };
  return [lazyVault, ...nodePlugins];
}

describe('bundle split: the vault loads on first use', function () {
  this.timeout(60_000);

  it('requiring the entry loads no vault; the first call does; the door behaves as itself', async () => {
    const out = tempDir('kagi-bundle-split-');
    const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' } as const;
    const all = await plugins();
    await esbuild.build({
      ...common,
      entryPoints: ['test/unit/fixtures/lazy-door-entry.ts'],
      outfile: path.join(out, 'entry.js'),
      plugins: all,
      metafile: true,
    });
    await esbuild.build({
      ...common,
      entryPoints: ['src/vault/index.ts'],
      outfile: path.join(out, 'vault.js'),
      plugins: all.slice(1),
    });
    const entrySource = fs.readFileSync(path.join(out, 'entry.js'), 'utf8');
    assert.ok(!entrySource.includes('src/vault/'), 'no vault module is bundled into the entry');
    const vaultFile = path.join(out, 'vault.js');
    const loaded = () => require.cache[vaultFile] !== undefined;

    const entry = require(path.join(out, 'entry.js')) as Entry;
    assert.equal(loaded(), false, 'requiring the entry must not load the vault');
    assert.deepEqual(entry.scopeOf('api/production'), { service: 'api', env: 'production' });
    assert.equal(loaded(), true);
    const e = entry.makeError();
    assert.equal(entry.recognises(e), true, 'classes keep their identity through the proxy');
    assert.equal(entry.recognises(new Error('x')), false);
  });
});
