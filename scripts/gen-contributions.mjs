// `npm run gen:contributions`: writes package.json's `contributes.commands` and
// `contributes.menus` from src/extension/commandTable.ts, moves package.json's user-facing
// strings into package.nls.json (`%key%` placeholders, src/extension/manifestL10n.ts) and
// writes l10n/bundle.l10n.json, the English strings of every `vscode.l10n.t(...)` in
// src/extension (scripts/l10n.ts). Run through tsx, which loads the TypeScript.
// test/unit/contributions.test.ts and test/unit/l10n.test.ts fail when a file is out of date.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withGeneratedContributions } from '../src/extension/contributions.ts';
import { bundleFile, l10nBundle } from './l10n.ts';

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

function update(url, text) {
  const name = path.relative(fileURLToPath(new URL('..', import.meta.url)), fileURLToPath(url));
  const before = existsSync(url) ? readFileSync(url, 'utf8') : undefined;
  if (before === text) return console.log(`${name}: up to date`);
  writeFileSync(url, text);
  console.log(`${name}: regenerated`);
}

const pkgFile = new URL('../package.json', import.meta.url);
const nlsFile = new URL('../package.nls.json', import.meta.url);
const previous = existsSync(nlsFile) ? JSON.parse(readFileSync(nlsFile, 'utf8')) : {};
const { manifest, nls } = withGeneratedContributions(JSON.parse(readFileSync(pkgFile, 'utf8')), previous);
update(pkgFile, json(manifest));
update(nlsFile, json(nls));

const bundle = new URL(`../${bundleFile}`, import.meta.url);
mkdirSync(new URL('.', bundle), { recursive: true });
update(bundle, json(l10nBundle()));
