// The extension's entry bundle reaches the vault through scripts/bundle/lazy-vault.mjs: built
// with the real esbuild and the real plugins, required by the real Node, the vault bundle
// must load on the first use of the door and not before, and behave as the door itself. The
// command handlers (scripts/bundle/lazy-commands.mjs) are split off the same way, and the build
// refuses a module on both sides.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { CLI, ensureCliBuilt, hashEnvProgram, hashOf, kagiOk, type CliOptions } from './cli-harness';
import { device, tempDir } from './helpers';

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
    // Node's own require, to see what it has loaded (its cache) as the extension host would.
    const nodeRequire = createRequire(__filename);
    const loaded = () => nodeRequire.cache[vaultFile] !== undefined;

    const entry = nodeRequire(path.join(out, 'entry.js')) as Entry;
    assert.equal(loaded(), false, 'requiring the entry must not load the vault');
    assert.deepEqual(entry.scopeOf('api/production'), { service: 'api', env: 'production' });
    assert.equal(loaded(), true);
    const e = entry.makeError();
    assert.equal(entry.recognises(e), true, 'classes keep their identity through the proxy');
    assert.equal(entry.recognises(new Error('x')), false);
  });
});

describe('bundle split: the command handlers are a bundle of their own', function () {
  this.timeout(120_000);
  const href = (rel: string) => pathToFileURL(path.resolve(rel)).href;

  interface CommandsSplit {
    lazyCommands: esbuild.Plugin;
    COMMANDS_DOOR: string;
    checkDisjoint(entry: esbuild.Metafile, commands: esbuild.Metafile): void;
  }
  const split = async () => (await import(href('scripts/bundle/lazy-commands.mjs'))) as CommandsSplit;

  it("the extension's entry bundles no handler module, and the two bundles share none (as scripts/build.mjs builds them)", async () => {
    const { lazyCommands, COMMANDS_DOOR, checkDisjoint } = await split();
    const out = tempDir('kagi-bundle-commands-');
    const common: esbuild.BuildOptions = {
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'error',
      metafile: true,
      write: false,
    };
    const metafileOf = (r: esbuild.BuildResult): esbuild.Metafile => {
      assert.ok(r.metafile, 'esbuild wrote no metafile');
      return r.metafile;
    };
    const all = await plugins();
    const entry = metafileOf(
      await esbuild.build({
        ...common,
        entryPoints: ['src/extension/extension.ts'],
        outfile: path.join(out, 'extension.js'),
        plugins: [lazyCommands, ...all],
      }),
    );
    const commands = metafileOf(
      await esbuild.build({
        ...common,
        entryPoints: [COMMANDS_DOOR],
        outfile: path.join(out, 'commands.js'),
        plugins: all,
      }),
    );
    const inEntry = Object.keys(entry.inputs);
    for (const handlers of [
      'src/extension/secretCommands.ts',
      'src/extension/gitCommands.ts',
      'src/extension/team/actions.ts',
    ])
      assert.ok(!inEntry.includes(handlers), `${handlers} is bundled into the entry`);
    assert.ok(inEntry.includes('lazy-commands:commandHandlers'), 'the entry reaches the handlers through the door');
    assert.ok(Object.keys(commands.inputs).includes('src/extension/secretCommands.ts'));
    checkDisjoint(entry, commands);
  });

  it('refuses a module of ours in both bundles, except the listed pure helpers', async () => {
    const { checkDisjoint } = await split();
    const meta = (...files: string[]) =>
      ({
        inputs: Object.fromEntries(files.map((f) => [f, { bytes: 1, imports: [] }])),
        outputs: {},
      }) as esbuild.Metafile;
    assert.throws(
      () => checkDisjoint(meta('src/extension/ctx.ts', 'src/extension/target.ts'), meta('src/extension/ctx.ts')),
      /both bundle src\/extension\/ctx\.ts/,
    );
    assert.doesNotThrow(() =>
      checkDisjoint(
        meta('src/extension/target.ts', 'host-module:vscode'),
        meta('src/extension/target.ts', 'host-module:vscode'),
      ),
    );
  });
});

describe('bundle: built-ins a command does not call are never loaded (scripts/bundle/plugins.mjs)', function () {
  this.timeout(60_000);
  before(ensureCliBuilt);
  const LAZY = ['child_process', 'readline', 'tty'];

  /** The CLI with a preload that writes which of LAZY Node loaded (its own list) at exit. */
  function kagiLoading(args: string[], opts: CliOptions): { loaded: string[]; stdout: string } {
    const report = path.join(tempDir('kagi-builtins-'), 'loaded.json');
    const preload = path.join(path.dirname(report), 'preload.cjs');
    // Only the CLI's process reports: `kagi run`'s child inherits NODE_OPTIONS too.
    fs.writeFileSync(
      preload,
      `if (process.argv[1] === ${JSON.stringify(CLI)}) process.on('exit', () => require('fs').writeFileSync(` +
        `${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList.map((m) => m.replace(/^NativeModule /, '')))));`,
    );
    const r = kagiOk(args, { ...opts, env: { NODE_OPTIONS: `--require ${preload}` } });
    const all = JSON.parse(fs.readFileSync(report, 'utf8')) as string[];
    return { loaded: LAZY.filter((m) => all.includes(m)), stdout: r.stdout };
  }

  it('`kagi get` loads none of child_process, readline, tty; `kagi run` loads child_process and runs its program', () => {
    const opts = { cwd: tempDir('kagi-cli-'), home: device('owner').home };
    kagiOk(['init', '--envs', 'development'], opts);
    kagiOk(['set', 'development', 'GREETING', 'hello'], opts);

    const get = kagiLoading(['get', 'development'], opts);
    assert.match(get.stdout, /GREETING/);
    assert.deepEqual(get.loaded, []);

    const run = kagiLoading(['run', 'development', '--', ...hashEnvProgram(['GREETING'])], opts);
    assert.equal(run.stdout, hashOf(['hello']), 'the program ran with the secret, through the lazy child_process');
    assert.deepEqual(run.loaded, ['child_process']);
  });
});
