// User-facing strings of the extension go through `vscode.l10n.t(...)` so translations can be
// added (l10n/bundle.l10n.<locale>.json); l10n/bundle.l10n.json, the English bundle, is generated
// from the sources by `npm run gen:contributions` (scripts/l10n.ts reads them with TypeScript).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bareUserStrings, bundleFile, extensionSources, l10nBundle, l10nMessages } from '../../scripts/l10n';
import { tempDir } from './helpers';

/** Its command titles reach package.json, translated through package.nls.json (contributions.test.ts). */
const MANIFEST_SOURCES = ['src/extension/commandTable.ts'];

describe('localization of the extension (vscode.l10n)', () => {
  it('no user-facing call shows a bare string literal (messages, picks, inputs, buttons, tooltips, status bar)', () => {
    const sources = extensionSources().filter((f) => !MANIFEST_SOURCES.includes(f));
    assert.ok(sources.length > 30, `only ${sources.length} sources read`);
    const found = sources.flatMap(bareUserStrings);
    assert.deepEqual(
      found.map((f) => `${f.file}:${f.line}: ${f.code}`),
      [],
      'wrap these in vscode.l10n.t(...), with {0}-style placeholders for values (never concatenated sentences)',
    );
  });

  it('finds each kind of bare user-facing string, and accepts its l10n form', () => {
    const dir = tempDir('kagi-l10n-');
    const bad = path.join(dir, 'bad.ts');
    fs.writeFileSync(
      bad,
      [
        "ctx.prompter.info('Kagi: deleted the key.');",
        'ctx.prompter.warn(`Deleted ${key} from ${scope}`);',
        "void vscode.window.showErrorMessage('Something failed');",
        "await ctx.prompter.confirm(message, detail, ['Delete']);",
        "await ctx.prompter.pick(choices, { title: 'Which scope?', placeHolder: 'Scope' });",
        "const choice = { label: '$(add) New scope', id: 'new' };",
        "item.tooltip = 'Active environment';",
        "item.text = 'Environment ' + env;",
        "await secretTarget(ctx, arg, 'Kagi: Reveal Secret');",
        "const md = new vscode.MarkdownString('Defined nowhere');",
      ].join('\n'),
    );
    assert.deepEqual(
      bareUserStrings(bad).map((f) => f.line),
      [1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10],
    );
    const good = path.join(dir, 'good.ts');
    fs.writeFileSync(
      good,
      [
        "ctx.prompter.info(vscode.l10n.t('Kagi: deleted the key.'));",
        "ctx.prompter.warn(vscode.l10n.t('Deleted {0} from {1}', key, scope));",
        "await ctx.prompter.confirm(message, detail, [vscode.l10n.t('Delete')]);",
        "await ctx.prompter.pick(choices, { title: 'Kagi', placeHolder: vscode.l10n.t('Scope') });",
        'item.text = `$(layers) ${env}`;',
        "ctx.log.info('deleted a key');",
        "const ref = { text: 'os.environ[KEY]' };",
      ].join('\n'),
    );
    assert.deepEqual(bareUserStrings(good), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every vscode.l10n.t message is a literal, so the bundle can list it', () => {
    const { messages, dynamic } = l10nMessages();
    assert.ok(messages.length > 100, `only ${messages.length} messages read`);
    assert.deepEqual(dynamic, []);
  });

  it(`${bundleFile} is the English bundle of the sources (run \`npm run gen:contributions\`)`, () => {
    assert.deepEqual(JSON.parse(fs.readFileSync(bundleFile, 'utf8')), l10nBundle());
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    assert.equal(pkg.l10n, `./${path.dirname(bundleFile)}`, 'package.json does not point VS Code at the bundles');
  });
});
