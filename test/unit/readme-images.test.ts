// The README's screenshots are taken by the UI checks (`readmeScreenshot`, KAGI_UI_SCREENSHOTS=update):
// each image the README shows exists and stays small, and each shot the checks take is shown.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const README = fs.readFileSync('README.md', 'utf8');
const shown = [...README.matchAll(/!\[[^\]]*\]\((docs\/images\/[\w-]+\.png)\)/g)].map((m) => m[1]!);
const taken = fs
  .readdirSync('test/ui')
  .filter((f) => f.endsWith('.ui.ts'))
  .flatMap((f) => [
    ...fs.readFileSync(path.join('test/ui', f), 'utf8').matchAll(/readmeScreenshot\(page, '([\w-]+)'\)/g),
  ])
  .map((m) => `docs/images/${m[1]}.png`);

describe('README screenshots', () => {
  it('every image the README shows is committed and small (shrunk by the update run)', () => {
    assert.ok(shown.length >= 8, `the README shows only ${shown.length} screenshots`);
    for (const img of shown) {
      assert.ok(fs.existsSync(img), `${img} is missing: run the UI checks with KAGI_UI_SCREENSHOTS=update`);
      assert.ok(fs.statSync(img).size < 200_000, `${img} is over 200 KB`);
    }
  });

  it('every image comes from a UI check, and every README shot a check takes is shown', () => {
    assert.deepEqual(
      shown.filter((img) => !taken.includes(img)),
      [],
      'images no UI check takes (hand-made screenshots go stale)',
    );
    assert.deepEqual(
      taken.filter((img) => !shown.includes(img)),
      [],
      'screenshots the README does not show',
    );
  });
});
