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

/** Every file the VSIX may hold. */
const SHIPPED = [
  /^package\.json$/,
  /^package\.nls(\.[\w-]+)?\.json$/,
  /^l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
  /^(README|CHANGELOG)\.md$/,
  /^LICENSE$/,
  /^dist\/(extension|vault)\.js$/,
  /^dist\/webview\/[\w-]+\.(js|css)$/,
  /^media\/(kagi\.svg|icon\.png)$/,
  /^media\/walkthrough\/[\w-]+\.md$/,
];

/** What the installed extension cannot work without (titles are %key% placeholders: package.nls.json). */
const REQUIRED = [
  'package.json',
  'package.nls.json',
  'l10n/bundle.l10n.json',
  'dist/extension.js',
  // required by dist/extension.js on first use of the vault
  'dist/vault.js',
  'media/icon.png',
];

function vsceLs(dir: string): string[] {
  const r = spawnSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `vsce ls failed in ${dir}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

const notShipped = (files: string[]) => files.filter((f) => !SHIPPED.some((p) => p.test(f)));

describe('the VSIX contents (vsce ls)', function () {
  this.timeout(60000);

  it('lists only shipped files, and everything the installed extension needs', () => {
    const files = vsceLs(REPO);
    assert.deepEqual(notShipped(files), [], 'tighten .vscodeignore');
    for (const f of REQUIRED) assert.ok(files.includes(f), `${f} is not in the VSIX`);
    const walkthroughMedia = JSON.stringify(
      JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).contributes.walkthroughs,
    );
    for (const m of walkthroughMedia.matchAll(/"markdown":"([^"]+)"/g))
      assert.ok(files.includes(m[1]!), `${m[1]} (walkthrough) is not in the VSIX`);
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
        'dist/cli.js',
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
      const files = vsceLs(dir);
      assert.deepEqual(notShipped(files), []);
      assert.deepEqual(
        planted.filter((f) => files.includes(f)),
        ['dist/extension.js', 'dist/vault.js', 'media/icon.png'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the allowlist rejects what must not ship (so the first test can fail)', () => {
    assert.deepEqual(notShipped(['src/vault/index.ts', 'dist/cli.js', '.kagi/kagi.json', 'package.json']), [
      'src/vault/index.ts',
      'dist/cli.js',
      '.kagi/kagi.json',
    ]);
  });
});
