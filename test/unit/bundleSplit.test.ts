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
  doorError(): unknown;
  recognises(e: unknown): boolean;
}

interface VaultSplit {
  buildVault(opts: {
    outdir: string;
    options: esbuild.BuildOptions;
  }): Promise<esbuild.BuildResult & { metafile: esbuild.Metafile }>;
  HOT_PATH_NAMES: string[];
}
const vaultSplit = async () =>
  (await import(pathToFileURL(path.resolve('scripts/bundle/vault-split.mjs')).href)) as VaultSplit;

async function plugins(): Promise<esbuild.Plugin[]> {
  const href = (rel: string) => pathToFileURL(path.resolve(rel)).href;
  const { lazyVault } = (await import(href('scripts/bundle/lazy-vault.mjs'))) as { lazyVault: esbuild.Plugin };
  const { nodePlugins } = (await import(href('scripts/bundle/plugins.mjs'))) as { nodePlugins: esbuild.Plugin[] };
  return [lazyVault, ...nodePlugins];
}

describe('bundle split: the vault loads on first use', function () {
  this.timeout(60_000);

  // Minified as `npm run package` builds it (the hot path's names are aliases added to the shared
  // chunk, scripts/bundle/vault-split.mjs) and not, as the tests' dist/ is built.
  for (const minify of [true, false])
    it(`requiring the entry loads no vault; the first call does; the door behaves as itself (minify: ${minify})`, async () => {
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
      const { buildVault, HOT_PATH_NAMES } = await vaultSplit();
      await buildVault({ outdir: out, options: { bundle: true, minify, logLevel: 'error', plugins: all.slice(1) } });
      fs.copyFileSync('scripts/bundle/code-cache.cjs', path.join(out, 'code-cache.js'));
      const entrySource = fs.readFileSync(path.join(out, 'entry.js'), 'utf8');
      assert.ok(!entrySource.includes('src/vault/'), 'no vault module is bundled into the entry');
      // Node's own require, to see what it has loaded (its cache) as the extension host would.
      const nodeRequire = createRequire(__filename);
      const loaded = () => ['vault-shared.js', 'vault.js'].filter((f) => nodeRequire.cache[path.join(out, f)]);

      const entry = nodeRequire(path.join(out, 'entry.js')) as Entry;
      assert.deepEqual(loaded(), [], 'requiring the entry must not load the vault');
      // The hot path's names come from vault-shared.js, without the door.
      const e = entry.makeError();
      assert.deepEqual(loaded(), ['vault-shared.js']);
      assert.equal(entry.recognises(e), true, 'classes keep their identity through the proxy');
      assert.equal(entry.recognises(new Error('x')), false);
      assert.deepEqual(entry.scopeOf('api/production'), { service: 'api', env: 'production' });
      assert.deepEqual(loaded(), ['vault-shared.js', 'vault.js'], 'any other name loads the door');
      // One module, one instance: an error made on the door's side is the hot path's class.
      assert.equal(entry.recognises(entry.doorError()), true);
      const door = nodeRequire(path.join(out, 'vault.js')) as Record<string, unknown>;
      const shared = nodeRequire(path.join(out, 'vault-shared.js')) as Record<string, unknown>;
      for (const name of HOT_PATH_NAMES) {
        assert.ok(door[name] !== undefined, `the door exports ${name}`);
        assert.equal(shared[name], door[name], `${name} is one binding in vault-shared.js and vault.js`);
      }
      // Only the shared chunk and the door ship: the hot path's own entry is folded into the chunk.
      assert.deepEqual(
        fs
          .readdirSync(out)
          .filter((f) => /^vault.*\.js$/.test(f))
          .sort(),
        ['vault-shared.bundle.js', 'vault-shared.js', 'vault.bundle.js', 'vault.js'],
      );
    });

  it("the vault's bundles share no module (as scripts/build.mjs builds them)", async () => {
    const out = tempDir('kagi-vault-split-');
    const { buildVault } = await vaultSplit();
    const result = await buildVault({
      outdir: out,
      options: { bundle: true, logLevel: 'error', plugins: (await plugins()).slice(1) },
    });
    const owners = new Map<string, string[]>();
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      for (const input of Object.keys(output.inputs))
        owners.set(input, [...(owners.get(input) ?? []), path.basename(file)]);
    }
    const twice = [...owners].filter(([, files]) => files.length > 1);
    assert.deepEqual(twice, []);
    const shared = [...owners].filter(([, [file]]) => file === 'vault-shared.js').map(([input]) => input);
    const doorOnly = [...owners].filter(([, [file]]) => file === 'vault.js').map(([input]) => input);
    // The hot path reads a scope: the ciphers and the store's format are shared; the rest of the
    // use cases are not (git, the team's review, the scan).
    assert.ok(
      shared.includes('src/vault/crypto/aead.ts') && shared.includes('src/vault/format/store.ts'),
      shared.join(),
    );
    for (const m of ['src/vault/usecases/gitMerge.ts', 'src/vault/usecases/scan.ts', 'src/vault/team/review.ts'])
      assert.ok(doorOnly.includes(m), `${m} only in vault.js`);
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
  function kagiLoading(args: string[], opts: CliOptions): { loaded: string[]; bundles: string[]; stdout: string } {
    const report = path.join(tempDir('kagi-builtins-'), 'loaded.json');
    const trace = path.join(path.dirname(report), 'code-cache.trace');
    const preload = path.join(path.dirname(report), 'preload.cjs');
    // Only the CLI's process reports: `kagi run`'s child inherits NODE_OPTIONS too.
    fs.writeFileSync(
      preload,
      `if (process.argv[1] === ${JSON.stringify(CLI)}) process.on('exit', () => require('fs').writeFileSync(` +
        `${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList.map((m) => m.replace(/^NativeModule /, '')))));`,
    );
    const r = kagiOk(args, { ...opts, env: { NODE_OPTIONS: `--require ${preload}`, KAGI_CODE_CACHE_TRACE: trace } });
    const all = JSON.parse(fs.readFileSync(report, 'utf8')) as string[];
    // The bundles the code cache loader ran (one line each: `<bundle> <event>`).
    const bundles = [
      ...new Set(
        fs
          .readFileSync(trace, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ')[0]!),
      ),
    ];
    return { loaded: LAZY.filter((m) => all.includes(m)), bundles: bundles.sort(), stdout: r.stdout };
  }

  it('`kagi get` loads none of child_process, readline, tty, nor the vault beyond its hot path; `kagi run` loads child_process and runs its program', () => {
    const opts = { cwd: tempDir('kagi-cli-'), home: device('owner').home };
    kagiOk(['init', '--envs', 'development'], opts);
    kagiOk(['set', 'development', 'GREETING', 'hello'], opts);

    const get = kagiLoading(['get', 'development'], opts);
    assert.match(get.stdout, /GREETING/);
    assert.deepEqual(get.loaded, []);

    const run = kagiLoading(['run', 'development', '--', ...hashEnvProgram(['GREETING'])], opts);
    assert.equal(run.stdout, hashOf(['hello']), 'the program ran with the secret, through the lazy child_process');
    assert.deepEqual(run.loaded, ['child_process']);

    // The vault's hot path (scripts/bundle/vault-split.mjs): get and run never load the door's
    // own bundle; a command beyond it does.
    const hot = ['cli.bundle', 'vault-shared.bundle'];
    assert.deepEqual(get.bundles, hot);
    assert.deepEqual(run.bundles, hot);
    assert.deepEqual(kagiLoading(['member', 'list'], opts).bundles, [...hot, 'vault.bundle']);
  });
});
