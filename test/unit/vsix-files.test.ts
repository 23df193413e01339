// What the VSIX ships: `vsce ls` (the packager's own listing, through .vscodeignore) must list
// only the bundles, the manifest with its strings, and the static assets; nothing of the
// sources, tests, demo vault, identities or caches (issue 18). Runs the real vsce; needs
// `npm run build` (dist/) like the CLI tests.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const VSCE = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');

/** The webview apps (scripts/build.mjs): dist/webview/<app>.js and <app>.css each. */
const WEBVIEW_APPS = ['team', 'compare'];

/** Every file the VSIX may hold. */
const SHIPPED = [
  /^package\.json$/,
  /^package\.nls(\.[\w-]+)?\.json$/,
  // translations only: the English bundle (l10n/bundle.l10n.json) is never read by VS Code
  /^l10n\/bundle\.l10n\.[\w-]+\.json$/,
  /^(README|CHANGELOG)\.md$/,
  /^LICENSE$/,
  /^dist\/(extension|commands|vault|vault-shared|cli)(\.bundle)?\.js$/,
  // the module type of dist/'s files (scripts/bundle/code-cache-entries.mjs)
  /^dist\/package\.json$/,
  // the loader the entry stubs run their bundle through (scripts/bundle/code-cache.cjs)
  /^dist\/code-cache\.js$/,
  // the apps and the one chunk they share
  /^dist\/webview\/(team|compare|shared)\.js$/,
  /^dist\/webview\/(team|compare)\.css$/,
  /^media\/(kagi\.svg|icon\.png)$/,
  /^media\/walkthrough\/[\w-]+\.md$/,
];

/** What the installed extension cannot work without (titles are %key% placeholders: package.nls.json). */
const REQUIRED = [
  'package.json',
  'package.nls.json',
  'dist/extension.js',
  // required by dist/extension.js (and dist/cli.js) on first use of the vault: its door and its
  // hot path, which the door requires too (scripts/bundle/vault-split.mjs)
  'dist/vault.js',
  'dist/vault-shared.js',
  // required by dist/extension.js on a command's first run (src/extension/onDemandCommands.ts)
  'dist/commands.js',
  // what the extension names as Git's drivers, textconv and pre-commit guard (kagi-git launcher)
  'dist/cli.js',
  // each entry above is a stub: its bundle, and the code-cache loader it runs it through
  'dist/extension.bundle.js',
  'dist/commands.bundle.js',
  'dist/vault.bundle.js',
  'dist/vault-shared.bundle.js',
  'dist/cli.bundle.js',
  'dist/code-cache.js',
  // so Node's package.json lookup for them stops at dist/ (scripts/bundle/code-cache-entries.mjs)
  'dist/package.json',
  'media/icon.png',
];

/** The relative modules a built webview module imports (esbuild ESM: `from"./shared.js"`, `import"./x.js"`). */
function relativeImports(file: string): string[] {
  const code = fs.readFileSync(path.join(REPO, 'dist', 'webview', file), 'utf8');
  return [...code.matchAll(/\b(?:from|import)\s*\(?\s*["']\.\/([^"']+)["']/g)].map((m) => m[1]!);
}

/** A page's module and every chunk it reaches through imports, as VSIX paths. */
function webviewModules(app: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const f of relativeImports(file)) visit(f);
  };
  visit(`${app}.js`);
  return [...seen].map((f) => `dist/webview/${f}`);
}

function vsceLs(dir: string): string[] {
  const r = spawnSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `vsce ls failed in ${dir}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

const notShipped = (files: string[]) => files.filter((f) => !SHIPPED.some((p) => p.test(f)));

describe('the VSIX contents (vsce ls)', function () {
  this.timeout(60000);
  let files: string[];
  before(() => {
    files = vsceLs(REPO);
  });

  it('lists only shipped files, and everything the installed extension needs', () => {
    assert.deepEqual(notShipped(files), [], 'tighten .vscodeignore');
    for (const f of REQUIRED) assert.ok(files.includes(f), `${f} is not in the VSIX`);
    const walkthroughMedia = JSON.stringify(
      JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).contributes.walkthroughs,
    );
    for (const m of walkthroughMedia.matchAll(/"markdown":"([^"]+)"/g))
      assert.ok(files.includes(m[1]!), `${m[1]} (walkthrough) is not in the VSIX`);
    assert.ok(!files.includes('l10n/bundle.l10n.json'), 'the English l10n bundle ships (VS Code never reads it)');
  });

  it("ships each webview page's module, its CSS and every chunk it imports", () => {
    for (const app of WEBVIEW_APPS) {
      const modules = webviewModules(app);
      assert.ok(modules.length > 1, `${app}.js imports no shared chunk: are the apps built with splitting?`);
      for (const f of [...modules, `dist/webview/${app}.css`]) assert.ok(files.includes(f), `${f} is not in the VSIX`);
    }
  });

  it('the webview pages share one copy of Lit (the reason for the shared chunk)', () => {
    const withLit = fs
      .readdirSync(path.join(REPO, 'dist', 'webview'))
      .filter((f) => f.endsWith('.js'))
      .filter((f) => fs.readFileSync(path.join(REPO, 'dist', 'webview', f), 'utf8').includes('litElementVersions'));
    assert.deepEqual(withLit, ['shared.js']);
  });

  it('leaves out sources, tests, maps, the demo vault, identities and stray files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kagi-vsix-'));
    try {
      for (const f of ['package.json', 'package.nls.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
        fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
      }
      const planted = [
        'dist/extension.js',
        'dist/extension.js.map',
        'dist/vault.js',
        'dist/vault.js.map',
        'dist/vault-shared.bundle.js',
        'dist/vault-shared.bundle.js.map',
        'dist/vault-esm/vault-shared.js',
        'dist/commands.js',
        'dist/commands.bundle.js',
        'dist/commands.bundle.js.map',
        'dist/webview/shared.js',
        'dist/webview/shared.js.map',
        'dist/cli.js',
        'dist/cli.js.map',
        'dist/cli.bundle.js',
        'dist/cli.bundle.js.map',
        'dist/code-cache.js',
        'l10n/bundle.l10n.json',
        'l10n/bundle.l10n.de.json',
        'src/extension/extension.ts',
        'test/unit/a.test.ts',
        'demo/.kagi/kagi.json',
        '.cache/demo-identities/alice/identity.txt',
        '.env',
        'docs/images/secrets-tree.png',
        'media/icon.svg',
        'media/icon.png',
        'test-results/ui/x.png',
        'kagi-vscode.vsix',
      ];
      for (const f of planted) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), 'x');
      }
      const listed = vsceLs(dir);
      assert.deepEqual(notShipped(listed), []);
      assert.deepEqual(
        planted.filter((f) => listed.includes(f)),
        [
          'dist/extension.js',
          'dist/vault.js',
          'dist/vault-shared.bundle.js',
          'dist/commands.js',
          'dist/commands.bundle.js',
          'dist/webview/shared.js',
          'dist/cli.js',
          'dist/cli.bundle.js',
          'dist/code-cache.js',
          'l10n/bundle.l10n.de.json',
          'media/icon.png',
        ],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the allowlist rejects what must not ship (so the first test can fail)', () => {
    assert.deepEqual(
      notShipped([
        'src/vault/index.ts',
        'dist/cli.js.map',
        '.kagi/kagi.json',
        'l10n/bundle.l10n.json',
        'dist/webview/chunk-AB12CD34.js',
        'package.json',
      ]),
      [
        'src/vault/index.ts',
        'dist/cli.js.map',
        '.kagi/kagi.json',
        'l10n/bundle.l10n.json',
        'dist/webview/chunk-AB12CD34.js',
      ],
    );
  });
});
