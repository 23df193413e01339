// `npm run gen:contributions`: writes package.json's `contributes.commands` and
// `contributes.menus` from src/extension/commandTable.ts (run through tsx, which loads the
// TypeScript). test/unit/contributions.test.ts fails when package.json is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedContributions } from '../src/extension/contributions.ts';

const file = new URL('../package.json', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = `${JSON.stringify(withGeneratedContributions(JSON.parse(before)), null, 2)}\n`;
if (after === before) console.log('package.json: contributions up to date');
else {
  writeFileSync(file, after);
  console.log('package.json: contributions regenerated');
}
