// package.json's commands and menus are generated from the command table
// (src/extension/commandTable.ts, `npm run gen:contributions`); this fails when they differ.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { COMMANDS, COMMAND_IDS, isCommandId } from '../../src/extension/commandTable';
import {
  commandTexts,
  contributedCommands,
  contributedMenus,
  withGeneratedContributions,
} from '../../src/extension/contributions';
import { placeholderKey } from '../../src/extension/manifestL10n';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const nls = JSON.parse(fs.readFileSync('package.nls.json', 'utf8')) as Record<string, string>;

/** Every `%key%` placeholder anywhere in a parsed manifest. */
function placeholders(node: unknown): string[] {
  if (typeof node === 'string') return [placeholderKey(node)].filter((k) => k !== undefined);
  if (node === null || typeof node !== 'object') return [];
  return Object.values(node).flatMap(placeholders);
}
const STALE = 'package.json is out of date with src/extension/commandTable.ts: run `npm run gen:contributions`';

describe('package.json contributions from the command table', () => {
  it('contributes exactly the commands of the table, with their titles, category and icons', () => {
    assert.deepEqual(pkg.contributes.commands, contributedCommands(), STALE);
    for (const [key, text] of Object.entries(commandTexts())) assert.equal(nls[key], text, `${key}: ${STALE}`);
  });

  it('package.json shows no plain text: every shown string is a %key% of package.nls.json (translatable)', () => {
    const { manifest, nls: expected } = withGeneratedContributions(pkg, nls);
    assert.deepEqual(manifest, pkg, STALE);
    assert.deepEqual(nls, expected, `package.nls.json: ${STALE}`);
    const used = new Set(placeholders(pkg));
    assert.ok(used.size > 60, `only ${used.size} placeholders read`);
    for (const key of used) assert.equal(typeof nls[key], 'string', `%${key}% has no text in package.nls.json`);
    for (const key of Object.keys(nls)) assert.ok(used.has(key), `package.nls.json: ${key} is used nowhere (orphaned)`);
    for (const [key, text] of Object.entries(nls)) assert.ok(text.trim().length > 0, `${key} is empty`);
  });

  it('the generator moves a plain English string into package.nls.json and keeps existing texts', () => {
    const withNew = structuredClone(pkg);
    withNew.contributes.configuration.properties['kagi.example'] = {
      type: 'boolean',
      markdownDescription: 'A new setting.',
    };
    withNew.contributes.views.kagi[0].name = 'Secrets (renamed in package.json)';
    const { manifest, nls: out } = withGeneratedContributions(withNew, nls);
    const example = manifest.contributes.configuration.properties['kagi.example'].markdownDescription;
    assert.equal(out[placeholderKey(example)!], 'A new setting.');
    assert.equal(out[placeholderKey(manifest.contributes.views.kagi[0].name)!], 'Secrets (renamed in package.json)');
    assert.throws(
      () => withGeneratedContributions({ ...pkg, displayName: '%noSuchKey%' }, {}),
      /%noSuchKey% but package.nls.json has no text/,
    );
  });

  it('contributes exactly the menus of the table', () => {
    assert.deepEqual(pkg.contributes.menus, contributedMenus(), STALE);
  });

  it('every menu item of a command that is not structure-only requires a trusted workspace', () => {
    const items = Object.values(pkg.contributes.menus as Record<string, { command: string; when?: string }[]>).flat();
    assert.ok(items.length > 20, 'no menus read');
    for (const item of items) {
      assert.ok(isCommandId(item.command), `${item.command} is in a menu but not in the command table`);
      if (COMMANDS[item.command].capability === 'structure') continue;
      assert.match(item.when ?? '', /(^|&& )isWorkspaceTrusted$/, `${item.command} shows in Restricted Mode`);
    }
  });

  it("a key's right-click menu has Reveal and Copy, not only hover icons (issue 18)", () => {
    const items = pkg.contributes.menus['view/item/context'] as { command: string; when?: string; group?: string }[];
    for (const id of ['kagi.reveal', 'kagi.copyValue']) {
      const inMenu = items.filter(
        (i) => i.command === id && /viewItem == kagi\.key/.test(i.when ?? '') && !i.group?.startsWith('inline'),
      );
      assert.equal(inMenu.length, 1, `${id} is not in a key's context menu`);
    }
  });

  it('the welcome view links only commands of the table', () => {
    const links = (pkg.contributes.viewsWelcome as { contents: string }[]).flatMap((w) =>
      [...(nls[placeholderKey(w.contents) ?? ''] ?? w.contents).matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]!),
    );
    const ours = links.filter((id) => id.startsWith('kagi.'));
    assert.ok(ours.length > 0);
    for (const id of ours) assert.ok(isCommandId(id), `${id} (a welcome link) is not in the command table`);
  });

  it('gives every command a distinct title and a progress/log wording', () => {
    const titles = COMMAND_IDS.map((id) => COMMANDS[id].title);
    assert.equal(new Set(titles).size, titles.length, 'two commands share a title');
    for (const id of COMMAND_IDS) assert.match(COMMANDS[id].doing, /^[A-Z][a-z]+ing\b/, id);
  });
});
