// First UI check: the real workbench loads with the extension installed, the extension
// activates (exthost log), and the Kagi activity-bar container opens and shows the fixture vault.
import * as assert from 'node:assert/strict';
import { extensionManifest, openKagiView, pageText, screenshot, treeRows, withSession } from './lib/workbench';

describe('workbench with the Kagi extension', function () {
  this.timeout(120000);
  const session = withSession();

  it('loads the workbench on the temp workspace', async () => {
    const { page, dirs } = session();
    await page.locator('.part.sidebar, .part.editor').first().waitFor({ state: 'visible' });
    const title = await page.title();
    assert.ok(title.includes('workspace'), `window title "${title}" does not name ${dirs.workspace}`);
    await screenshot(page, 'workbench');
  });

  it('activates the extension and opens the Kagi view', async () => {
    const { page, fixture } = session();
    const container = extensionManifest().contributes?.viewsContainers?.activitybar?.find((c) =>
      c.title.startsWith('Kagi'),
    );
    assert.ok(container, 'the manifest contributes no Kagi activity-bar container');
    assert.ok(fixture.vault, `the session fixture has no vault: ${fixture.vaultError ?? 'unknown reason'}`);
    await openKagiView(page, { title: container.title });
    await session().waitForActivation(30000);
    await page
      .locator('.part.sidebar .pane-body .monaco-list-row', { hasText: 'api' })
      .first()
      .waitFor({ state: 'visible', timeout: 20000 });
    const rows = await treeRows(page);
    console.log(`      [ui] Kagi view rows: ${JSON.stringify(rows.map((r) => r.text))}`);
    assert.ok(
      rows.some((r) => r.text.startsWith('api')),
      "the vault's service api is not in the Kagi view",
    );
    assert.ok(session().activationLine(), 'no _doActivateExtension line for the extension');
    await screenshot(page, 'kagi-view');
    const text = await pageText(page);
    assert.ok(!/Extension host terminated/i.test(text), 'the extension host crashed');
  });
});
