// The team-access webview bundle (dist/webview/team.js + team.css) rendered in headless
// Chromium inside a plain page with the same CSP the extension sets, and a stand-in
// `acquireVsCodeApi` bridge: it records what the page posts and lets the test send the
// host's typed state messages. No VS Code needed; run `npm run build` first.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseWebviewMessage, type HostMessage, type TeamState } from '../../src/protocol';

const REPO = path.resolve(__dirname, '..', '..');
const BUNDLE = path.join(REPO, 'dist', 'webview', 'team.js');
const CSS = path.join(REPO, 'dist', 'webview', 'team.css');
const OUT = path.join(REPO, 'test-results');
const PAGE_DIR = path.join(OUT, 'team-webview-page');

const OWNER = 'kgm_OwnerAAAAAAA';
const BOB = 'kgm_BobBBBBBBBBB';
const CAROL = 'kgm_CarolCCCCCCC';
const DAVE = 'kgm_DaveDDDDDDDD';
const R = (c: string) => `age1${c.repeat(58)}`;

const vaults = [{ key: 'file:///projects/app', name: 'app' }];

function ownerState(over: Partial<Extract<TeamState, { kind: 'ready' }>> = {}): TeamState {
  return {
    kind: 'ready',
    vaults,
    vault: vaults[0]!.key,
    canManage: true,
    isMember: true,
    hasPendingRequest: false,
    myFingerprint: '3f2a-91bc-0d4e-7781',
    members: [
      {
        id: OWNER,
        name: 'alice',
        role: 'owner',
        status: 'active',
        fingerprint: '3f2a-91bc-0d4e-7781',
        recipient: R('q'),
        isMe: true,
      },
      {
        id: CAROL,
        name: 'carol',
        role: 'member',
        status: 'active',
        fingerprint: '77aa-0011-beef-1234',
        recipient: R('c'),
        isMe: false,
      },
      {
        id: BOB,
        name: 'bob',
        role: 'member',
        status: 'pending',
        fingerprint: 'a1b2-c3d4-e5f6-0718',
        recipient: R('p'),
        isMe: false,
      },
      {
        id: DAVE,
        name: 'dave',
        role: 'member',
        status: 'removed',
        fingerprint: '9999-8888-7777-6666',
        recipient: R('d'),
        isMe: false,
      },
    ],
    ...over,
  };
}

/** The same policy the host sets (src/extension/team/html.ts), with `file:` standing in for webview.cspSource. */
const CSP = "default-src 'none'; script-src 'nonce-uitest'; style-src file:; img-src file: data:; font-src file:";

// A dark VS Code-like theme so screenshots look like the sidebar.
const THEME = `:root{--vscode-foreground:#cccccc;--vscode-sideBar-background:#252526;--vscode-descriptionForeground:#9d9d9d;
--vscode-button-background:#0e639c;--vscode-button-foreground:#ffffff;--vscode-button-hoverBackground:#1177bb;
--vscode-button-secondaryBackground:#3a3d41;--vscode-button-secondaryForeground:#ffffff;--vscode-badge-background:#4d4d4d;
--vscode-badge-foreground:#ffffff;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;
--vscode-editor-font-family:monospace;--vscode-widget-border:#3c3c3c;--vscode-focusBorder:#007fd4;
--vscode-inputValidation-errorBorder:#be1100;--vscode-inputValidation-errorBackground:#5a1d1d;--vscode-editorWarning-foreground:#cca700}`;

/** `l10n`: the bundle the host would put on the app element for another workbench language. */
function writePage(l10n?: Record<string, string>, name = 'index.html'): string {
  fs.mkdirSync(PAGE_DIR, { recursive: true });
  fs.writeFileSync(path.join(PAGE_DIR, 'theme.css'), THEME);
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<link rel="stylesheet" href="${pathToFileURL(path.join(PAGE_DIR, 'theme.css')).href}">
<link rel="stylesheet" href="${pathToFileURL(CSS).href}">
<title>Kagi team (ui test)</title></head>
<body><main id="app"${l10n ? ` data-l10n="${JSON.stringify(l10n).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"` : ''}></main><script type="module" nonce="uitest" src="${pathToFileURL(BUNDLE).href}"></script></body></html>`;
  const file = path.join(PAGE_DIR, name);
  fs.writeFileSync(file, html);
  return pathToFileURL(file).href;
}

/**
 * The stand-in VS Code bridge; runs before the bundle in every page. Kept as plain JS text
 * (a TS function would be transpiled by tsx with helpers that don't exist in the page).
 */
function bridge(savedState: unknown): string {
  return `(() => {
    const posted = [], csp = [];
    let state = ${JSON.stringify(savedState ?? null)} ?? undefined;
    let calls = 0;
    window.__posted = posted;
    window.__csp = csp;
    window.__getState = () => state;
    window.__acquireCalls = () => calls;
    document.addEventListener('securitypolicyviolation', (e) => csp.push(e.violatedDirective + ' ' + e.blockedURI));
    window.acquireVsCodeApi = () => {
      calls++;
      return {
        postMessage: (m) => { posted.push(structuredClone(m)); },
        getState: () => state,
        setState: (s) => { state = structuredClone(s); },
      };
    };
  })();`;
}

describe('team webview (bundle in headless Chromium, stand-in host)', function () {
  this.timeout(60000);
  let browser: Browser;
  let url: string;

  before(async () => {
    assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`);
    assert.ok(fs.existsSync(CSS), `${CSS} is missing: run npm run build`);
    url = writePage();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--allow-file-access-from-files',
      ],
    });
  });
  after(async () => {
    await browser?.close();
  });

  async function open(savedState?: unknown, at = url): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 340, height: 640 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    (page as unknown as { __errors: string[] }).__errors = errors;
    await page.addInitScript(bridge(savedState));
    await page.goto(at);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    return page;
  }

  const posted = (page: Page) => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
  const clearPosted = (page: Page) =>
    page.evaluate(() => {
      (window as unknown as { __posted: unknown[] }).__posted.length = 0;
    });
  // dispatched synchronously (window.postMessage would deliver it in a later task)
  const send = (page: Page, m: HostMessage) =>
    page.evaluate((msg) => {
      window.dispatchEvent(new MessageEvent('message', { data: msg }));
    }, m);
  const setState = (page: Page, s: TeamState) => send(page, { type: 'state', state: s });

  async function assertClean(page: Page): Promise<void> {
    const csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    assert.deepEqual(csp, [], 'the page violated its Content-Security-Policy');
    assert.deepEqual((page as unknown as { __errors: string[] }).__errors, [], 'script errors in the page');
    // light DOM only: the page's own elements never carry a style attribute (the controls' shadow
    // roots set CSSOM properties, which the CSP allows)
    assert.equal(
      await page.evaluate(() => document.querySelectorAll('[style]').length),
      0,
      'elements with inline style attributes',
    );
    // every button of the page is the workbench's control, not a hand-made one
    assert.equal(await page.locator('button').count(), 0, 'a native <button> in the page');
    assert.equal(
      await page.evaluate(() => (window as unknown as { __acquireCalls: () => number }).__acquireCalls()),
      1,
      'acquireVsCodeApi must be called exactly once',
    );
  }

  it('announces itself with {type:"ready"} and shows loading', async () => {
    const page = await open();
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    assert.match(await page.locator('#app').innerText(), /Loading/);
    await page.close();
  });

  it("speaks the workbench's language when the host hands it a bundle (data-l10n)", async () => {
    const german = { 'Loading members…': 'Mitglieder werden geladen…' };
    const page = await open(undefined, writePage(german, 'de.html'));
    assert.match(await page.locator('#app').innerText(), /Mitglieder werden geladen…/);
    assert.doesNotMatch(await page.locator('#app').innerText(), /Loading members/);
    await assertClean(page);
    await page.close();
  });

  it('owner: pending request first; Approve posts exactly {type:"approve", memberId}', async () => {
    const page = await open();
    await setState(page, ownerState());
    await page.locator('[data-member]').first().waitFor();

    // pending section first, then members; this device marked
    const order = await page
      .locator('details[data-section]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-section')));
    assert.deepEqual(order, ['pending', 'active', 'removed']);
    const bob = page.locator(`[data-member="${BOB}"]`);
    assert.match(await bob.innerText(), /bob/);
    assert.match(await bob.innerText(), /a1b2-c3d4-e5f6-0718/);
    assert.match(await bob.innerText(), /pending/);
    assert.equal(
      await bob.locator('.fp').getAttribute('title'),
      R('p'),
      'the full recipient is available on the fingerprint',
    );
    assert.match(await page.locator(`[data-member="${OWNER}"]`).innerText(), /this device/);
    assert.doesNotMatch(await page.locator(`[data-member="${CAROL}"]`).innerText(), /this device/);

    // the controls are vscode-elements: role, name and theme come from the workbench's toolkit
    const approve = bob.getByRole('button', { name: 'Approve' });
    assert.equal(await approve.evaluate((e) => e.tagName), 'VSCODE-BUTTON');
    assert.equal(await approve.getAttribute('secondary'), null, 'Approve is the primary action');
    assert.equal(await bob.getByRole('button', { name: 'Reject' }).getAttribute('secondary'), '');
    assert.deepEqual(await bob.locator('vscode-badge').evaluateAll((els) => els.map((e) => e.textContent)), [
      'member',
      'pending',
    ]);
    // keyboard: Tab reaches the button and Enter presses it
    await clearPosted(page);
    await approve.focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ type: 'approve', memberId: BOB }]);

    await clearPosted(page);
    await approve.click();
    const msgs = await posted(page);
    assert.deepEqual(msgs, [{ type: 'approve', memberId: BOB }]);
    assert.deepEqual(parseWebviewMessage(msgs[0]), msgs[0], 'the host validator accepts what the page posts');

    await clearPosted(page);
    await bob.getByRole('button', { name: 'Reject' }).click();
    await page.locator(`[data-member="${CAROL}"]`).getByRole('button', { name: 'Make owner' }).click();
    await page.locator(`[data-member="${CAROL}"]`).getByRole('button', { name: 'Remove' }).click();
    await page.locator(`[data-member="${CAROL}"]`).getByRole('button', { name: 'Copy recipient' }).click();
    assert.deepEqual(await posted(page), [
      { type: 'reject', memberId: BOB },
      { type: 'setRole', memberId: CAROL, role: 'owner' },
      { type: 'remove', memberId: CAROL },
      { type: 'copyRecipient', memberId: CAROL },
    ]);
    for (const m of await posted(page)) assert.ok(parseWebviewMessage(m), `validator rejects ${JSON.stringify(m)}`);

    // the only owner cannot be demoted or removed
    const aliceRemove = page.locator(`[data-member="${OWNER}"]`).getByRole('button', { name: 'Remove' });
    assert.equal(await aliceRemove.getAttribute('aria-disabled'), 'true');
    assert.match((await aliceRemove.getAttribute('title')) ?? '', /last owner/);
    // removed members have no actions
    assert.equal(await page.locator(`[data-member="${DAVE}"] vscode-button`).count(), 0);

    await page.evaluate(() => {
      (document.querySelector('details[data-section="removed"]') as HTMLDetailsElement).open = true;
    });
    fs.mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, 'team-webview.png'), fullPage: true });
    await assertClean(page);
    await page.close();
  });

  it('non-owner: actions are disabled with the reason, and clicking posts nothing', async () => {
    const page = await open();
    const s = ownerState({ canManage: false });
    if (s.kind === 'ready') {
      s.members = s.members.map((m) => ({ ...m, isMe: m.id === CAROL }));
      s.myFingerprint = '77aa-0011-beef-1234';
    }
    await setState(page, s);
    const approve = page.locator(`[data-member="${BOB}"]`).getByRole('button', { name: 'Approve' });
    await approve.waitFor();
    assert.equal(await approve.getAttribute('aria-disabled'), 'true');
    assert.equal(await approve.getAttribute('title'), 'Only an owner can approve requests');
    assert.equal(await approve.getAttribute('aria-description'), 'Only an owner can approve requests');
    const remove = page.locator(`[data-member="${CAROL}"]`).getByRole('button', { name: 'Remove' });
    assert.equal(await remove.getAttribute('title'), 'Only an owner can remove members');
    const promote = page.locator(`[data-member="${CAROL}"]`).getByRole('button', { name: 'Make owner' });
    assert.equal(await promote.getAttribute('aria-disabled'), 'true');
    assert.equal(await promote.getAttribute('title'), 'Only an owner can change roles');
    assert.match(await page.locator('#app').innerText(), /Only an owner of this vault can approve requests/);

    await clearPosted(page);
    await approve.click({ force: true });
    await remove.click({ force: true });
    await promote.click({ force: true });
    assert.deepEqual(await posted(page), [], 'disabled actions posted a message');
    // copying a (public) recipient stays available
    await page.locator(`[data-member="${BOB}"]`).getByRole('button', { name: 'Copy recipient' }).click();
    assert.deepEqual(await posted(page), [{ type: 'copyRecipient', memberId: BOB }]);
    await page.screenshot({ path: path.join(OUT, 'team-webview-member.png'), fullPage: true });
    await assertClean(page);
    await page.close();
  });

  it('device without access: Request access posts {type:"requestAccess"}; pending: Copy my recipient', async () => {
    const page = await open();
    await setState(page, ownerState({ canManage: false, isMember: false, myFingerprint: 'abcd-abcd-abcd-abcd' }));
    await clearPosted(page);
    await page.getByRole('button', { name: 'Request access' }).click();
    assert.deepEqual(await posted(page), [{ type: 'requestAccess' }]);

    await setState(page, ownerState({ canManage: false, isMember: false, hasPendingRequest: true }));
    assert.equal(await page.getByRole('button', { name: 'Request access' }).count(), 0);
    await clearPosted(page);
    await page.getByRole('button', { name: 'Copy my recipient' }).click();
    assert.deepEqual(await posted(page), [{ type: 'copyRecipient' }]);
    await assertClean(page);
    await page.close();
  });

  it('conflict: shows the error state and offers "Merge as union"', async () => {
    const page = await open();
    await setState(page, {
      kind: 'conflict',
      vaults,
      vault: vaults[0]!.key,
      message: 'access.json has unresolved Git conflict markers',
    });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Git conflict markers/);
    assert.equal(await page.locator('[data-member]').count(), 0, 'no member list in the conflict state');
    await clearPosted(page);
    await page.getByRole('button', { name: 'Merge as union' }).click();
    assert.deepEqual(await posted(page), [{ type: 'resolveConflict' }]);
    await page.screenshot({ path: path.join(OUT, 'team-webview-conflict.png'), fullPage: true });

    // while the host works, the offer is disabled
    await send(page, { type: 'busy', busy: 'Merging access.json' });
    await clearPosted(page);
    await page.getByRole('button', { name: 'Merge as union' }).click({ force: true });
    assert.deepEqual(await posted(page), []);
    await assertClean(page);
    await page.close();
  });

  it('several vaults: a vscode-single-select picks one and posts {type:"selectVault"}', async () => {
    const page = await open();
    const two = [...vaults, { key: 'file:///projects/tools', name: 'tools' }];
    await setState(page, ownerState({ vaults: two }));
    const picker = page.locator('vscode-single-select[data-key="vault"]');
    await picker.waitFor();
    const combo = picker.getByRole('combobox', { name: 'Vault' });
    assert.match(await combo.innerText(), /app/);
    await clearPosted(page);
    await combo.click();
    await picker.getByRole('option', { name: 'tools' }).click();
    assert.deepEqual(await posted(page), [{ type: 'selectVault', vault: 'file:///projects/tools' }]);
    for (const m of await posted(page)) assert.ok(parseWebviewMessage(m), `validator rejects ${JSON.stringify(m)}`);
    assert.equal(await page.locator('select').count(), 0, 'a native <select> in the page');
    await assertClean(page);
    await page.close();
  });

  it('Restricted Mode: a message and no actions', async () => {
    const page = await open();
    await setState(page, { kind: 'untrusted' });
    await page.locator('.notice.untrusted').waitFor();
    assert.match(await page.locator('#app').innerText(), /Restricted Mode/);
    assert.equal(await page.locator('vscode-button').count(), 0);
    await page.close();
  });

  it('keeps only UI flags with setState, and restores them', async () => {
    const page = await open();
    await setState(page, ownerState());
    await page.locator('details[data-section="pending"] > summary').click();
    // 'toggle' is dispatched in a later task
    await page
      .waitForFunction(
        () => (window as unknown as { __getState: () => unknown }).__getState() !== undefined,
        undefined,
        { timeout: 5000 },
      )
      .catch(() => undefined);
    const saved = await page.evaluate(() => (window as unknown as { __getState: () => unknown }).__getState());
    assert.deepEqual(saved, { collapsed: { removed: true, pending: true } });
    assert.doesNotMatch(JSON.stringify(saved), /age1|kgm_|bob/, 'UI state holds member data');
    await page.close();

    const again = await open(saved);
    await setState(again, ownerState());
    await again.locator('details[data-section="pending"]').waitFor();
    assert.equal(
      await again.locator('details[data-section="pending"]').evaluate((d) => (d as HTMLDetailsElement).open),
      false,
    );
    assert.equal(
      await again.locator('details[data-section="active"]').evaluate((d) => (d as HTMLDetailsElement).open),
      true,
    );
    await again.close();
  });

  it('an entry with a malformed member id gets no usable actions', async () => {
    const page = await open();
    const s = ownerState();
    if (s.kind === 'ready')
      s.members.push({
        id: 'not-an-id',
        name: 'mallory',
        role: 'member',
        status: 'pending',
        fingerprint: '0000-0000-0000-0000',
        recipient: R('m'),
        isMe: false,
      });
    await setState(page, s);
    const row = page.locator('[data-member="not-an-id"]');
    await row.waitFor();
    await clearPosted(page);
    for (const b of await row.getByRole('button').all()) {
      assert.equal(await b.getAttribute('aria-disabled'), 'true');
      assert.match((await b.getAttribute('title')) ?? '', /malformed member id/);
      await b.click({ force: true });
    }
    assert.deepEqual(await posted(page), []);
    await page.close();
  });

  it('ignores messages that are not host messages', async () => {
    const page = await open();
    await setState(page, ownerState());
    await page.evaluate(() => {
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'state' } }));
    });
    await page.evaluate(() => {
      window.dispatchEvent(new MessageEvent('message', { data: 'junk' }));
    });
    await page.locator(`[data-member="${BOB}"]`).waitFor();
    await assertClean(page);
    await page.close();
  });
});
