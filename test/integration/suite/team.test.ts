// Team access in the real extension host: the host's webview message handler drives the real
// vault (owner = this host's KAGI_HOME); a second device is a CLI child process with its own
// KAGI_HOME. Modal answers are scripted through the extension's injectable Prompter.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KagiApi } from '../../../src/extension/api';
import { offerCopy } from '../../../src/extension/team/actions';
import { recipientFingerprint } from '../../../src/vault/team/members';
import { teamHtml } from '../../../src/extension/team/html';
import { contentSecurityPolicy } from '../../../src/extension/webviewPage';
import { journalPath } from '../../../src/vault/device/dataDir';
import { writeJournal } from '../../../src/vault/project/journal';
import { Project } from '../../../src/vault/project/project';
import { planRotation } from '../../../src/vault/team/rotation';
import {
  fixture,
  kagi,
  kagiCli,
  recordWatcher,
  settle,
  sleep,
  waitFor,
  watcherPasses,
  workspaceFolder,
} from '../helpers';
import { kagiApi, ScriptedPrompter } from '../scriptedPrompter';

interface AccessMember {
  member_id: string;
  name: string;
  recipient: string;
  role: string;
  status: string;
  wrapped_key?: string;
}

describe('Team access (webview host, real vault, second device via the CLI)', function () {
  this.timeout(60000);
  let team: KagiApi['team'];
  let ws: string;
  let accessFile: string;
  let secret: { service: string; env: string; key: string; value: string };
  let bobHome: string;
  let bobId: string;

  const accessText = () => fs.readFileSync(accessFile, 'utf8');
  const accessHash = () => createHash('sha256').update(fs.readFileSync(accessFile)).digest('hex');
  const members = (): AccessMember[] => (JSON.parse(accessText()) as { members: AccessMember[] }).members;
  const bob = () => members().find((m) => m.member_id === bobId)!;
  /** `get <service> <env> --show --yes` as a device; the secret's value is in stdout only when it can decrypt. */
  const readAs = (home: string | undefined) =>
    kagiCli(['get', secret.service, secret.env, '--show', '--yes'], {
      cwd: ws,
      env: home ? { KAGI_HOME: home, USER: 'bob' } : {},
    });

  before(async function () {
    // The Restricted Mode half is below (run with KAGI_IT_TRUST=1).
    if (!vscode.workspace.isTrusted) this.skip();
    const f = fixture();
    assert.ok(f.vault, `the harness could not make the workspace vault: ${f.vaultError}`);
    assert.ok(f.vault.secrets.length > 0, 'the fixture vault has no secrets');
    secret = f.vault.secrets[0]!;
    ws = workspaceFolder()!;
    accessFile = path.join(ws, '.kagi', 'access.json');
    team = (await kagiApi()).team;
    assert.ok(team, 'the extension API has no team view');

    bobHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kagi-home-bob-'));
    const out = kagi(['member', 'request', '--name', 'bob'], { cwd: ws, env: { KAGI_HOME: bobHome, USER: 'bob' } });
    bobId = /kgm_[A-Za-z0-9_-]+/.exec(out)?.[0] ?? '';
    assert.ok(bobId, `no member id in: ${out}`);
    assert.equal(bob().status, 'pending');
  });

  it('page shell: strict CSP, a fresh nonce per render, no inline script or style', () => {
    const ext = vscode.extensions.getExtension('kagi-vault.kagi-vscode')!;
    const webview = {
      cspSource: 'https://csp.example',
      asWebviewUri: (u: vscode.Uri) => u.with({ scheme: 'https', authority: 'csp.example' }),
    };
    const a = teamHtml(webview, ext.extensionUri);
    const b = teamHtml(webview, ext.extensionUri);
    // a module script: it imports dist/webview/shared.js (the code both pages share) with its nonce
    const nonceOf = (html: string) =>
      /<script type="module" nonce="([^"]+)" src="[^"]+team\.js"><\/script>/.exec(html)?.[1];
    const na = nonceOf(a);
    assert.ok(na && na.length >= 16, 'no nonce on the script tag');
    assert.notEqual(na, nonceOf(b), 'the nonce is reused between renders');
    assert.ok(a.includes(`content="${contentSecurityPolicy('https://csp.example', na)}"`));
    assert.equal(
      contentSecurityPolicy('https://csp.example', na),
      `default-src 'none'; script-src 'nonce-${na}'; style-src https://csp.example; img-src https://csp.example data:; font-src https://csp.example`,
    );
    assert.equal((a.match(/<script/g) ?? []).length, 1, 'more than one script tag');
    assert.ok(!/<style|\sstyle=|\son[a-z]+=/i.test(a), 'inline style or handler in the page shell');
    assert.match(a, /href="https:\/\/csp\.example[^"]*\/dist\/webview\/team\.css"/);
  });

  it('"Copy recipient" with a failing clipboard: a warning naming no error text, no unhandled rejection', async () => {
    const leak = 'kagi-canary-clipboard-error';
    class BrokenClipboard extends ScriptedPrompter {
      override async offer<B extends string>(message: string, buttons: B[]): Promise<B | undefined> {
        await super.offer(message, buttons);
        return buttons[0];
      }
      override async copy(): Promise<void> {
        throw new Error(leak);
      }
    }
    const p = new BrokenClipboard([]);
    const logged: string[] = [];
    await offerCopy(p, { warn: (m) => logged.push(m) }, 'Kagi: access requested.', bob().recipient);
    assert.equal(p.warnings.length, 1, 'the failed copy was not reported');
    assert.match(p.warnings[0]!, /could not copy/);
    assert.equal(logged.length, 1);
    assert.ok(![...p.warnings, ...logged].some((t) => t.includes(leak)), 'the error text reached a message or the log');
  });

  /** Opens the view afresh and waits until its page has loaded and been sent a state. */
  const showView = async () => {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await sleep(300);
    const before = team.readyCount;
    await vscode.commands.executeCommand('kagi.openTeam');
    await waitFor(() => team.readyCount > before, {
      timeoutMs: 30000,
      what: 'the team webview to post {type:"ready"}',
    });
    await waitFor(() => team.lastState.kind === 'ready', { timeoutMs: 10000, what: 'a ready state' });
  };

  it('the webview loads under its CSP and asks for state; the state carries no secrets or keys', async () => {
    await showView();
    const state = team.lastState;
    assert.ok(state.kind === 'ready');
    const bobView = state.members.find((m) => m.id === bobId);
    assert.ok(bobView, 'the pending request is listed');
    assert.equal(bobView.status, 'pending');
    assert.equal(bobView.recipient, bob().recipient);
    assert.match(bobView.fingerprint, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    assert.equal(state.canManage, true);
    assert.equal(state.members.filter((m) => m.isMe).length, 1, 'exactly one entry is this device');
    const json = JSON.stringify(state);
    for (const m of members())
      if (m.wrapped_key) assert.ok(!json.includes(m.wrapped_key), 'a wrapped key reached the webview state');
    for (const s of fixture().vault!.secrets)
      assert.ok(!json.includes(s.value), 'a secret value reached the webview state');
  });

  it('the second device cannot read before approval', () => {
    const r = readAs(bobHome);
    assert.notEqual(r.code, 0, 'bob could read the vault before approval');
    assert.ok(!r.stdout.includes(secret.value));
  });

  it('rejects malformed messages from the page without touching access.json', async () => {
    const hash = accessHash();
    const p = new ScriptedPrompter([{ confirm: 'Approve' }, { input: 'bob' }]);
    const bad: unknown[] = [
      { type: 'approve', memberId: bobId, extra: true },
      { type: 'approve', memberId: bobId.slice(4) },
      { type: 'approve', memberId: `${bobId}/../x` },
      { type: 'remove', memberId: 'kgm_../../etc/passwd' },
      { type: 'setRole', memberId: bobId, role: 'admin' },
      { type: 'approve' },
      { type: 'deleteVault' },
      'approve',
      null,
      [{ type: 'approve', memberId: bobId }],
    ];
    for (const m of bad) await team.handleMessage(m, p);
    assert.deepEqual(p.shown, [], 'a malformed message reached a prompt');
    assert.equal(accessHash(), hash, 'access.json changed');
    assert.equal(bob().status, 'pending');
  });

  it('approve: cancelling the modal changes nothing', async () => {
    const hash = accessHash();
    const p = new ScriptedPrompter([{ confirm: undefined }]);
    await team.handleMessage({ type: 'approve', memberId: bobId }, p);
    p.assertDone();
    assert.equal(accessHash(), hash);
  });

  it('approve: the modal shows the full recipient; after it the second device reads the vault', async () => {
    const p = new ScriptedPrompter([{ confirm: 'Approve' }]);
    const recipient = bob().recipient;
    // Visible, the view also hears the vault's change announcement: still one refresh.
    await showView();
    await team.refresh();
    const ctx = await kagiApi();
    const passes = watcherPasses(ctx);
    // Late visibility or `ready` events of showView(), and late watcher passes, come first.
    await settle(() => team.refreshCount + passes(), 'the team view');
    const watched = recordWatcher(ctx);
    const refreshes = team.refreshCount;
    try {
      await team.handleMessage({ type: 'approve', memberId: bobId }, p);
      p.assertDone();
      await waitFor(() => watched.saw('.kagi/access.json'), {
        timeoutMs: 15000,
        what: 'the .kagi/ watcher to see access.json change',
      });
    } finally {
      watched.dispose();
    }
    assert.equal(team.refreshCount - refreshes, 1, 'the view computed its state more than once for one approval');
    const detail = p.shown.find((t) => /another channel/.test(t));
    assert.ok(detail, 'the modal does not ask for an out-of-band check');
    assert.ok(detail.includes(recipient), 'the modal does not show the full recipient');
    assert.equal(bob().status, 'active');
    assert.ok(bob().wrapped_key);
    const r = readAs(bobHome);
    assert.equal(r.code, 0, `bob cannot read after approval: ${r.stderr}`);
    assert.ok(r.stdout.includes(secret.value), 'bob does not see the value');
    const state = team.lastState;
    assert.equal(
      state.kind === 'ready' && state.members.find((m) => m.id === bobId)?.status,
      'active',
      'the view did not update',
    );
  });

  /** A second device's pending request, made by the CLI with its own KAGI_HOME; returns its id. */
  const requestAs = (home: string, name: string): string => {
    const out = kagi(['member', 'request', '--name', name], { cwd: ws, env: { KAGI_HOME: home, USER: name } });
    const id = /kgm_[A-Za-z0-9_-]+/.exec(out)?.[0];
    assert.ok(id, `no member id in: ${out}`);
    return id;
  };
  const editMember = (id: string, change: Partial<AccessMember>) => {
    const a = JSON.parse(accessText()) as { members: AccessMember[] };
    a.members = a.members.map((m) => (m.member_id === id ? { ...m, ...change } : m));
    fs.writeFileSync(accessFile, JSON.stringify(a, null, 2));
  };

  it('approve: the modal shows the role granted; a request edited to ask for owner is approved as member', async () => {
    const erinHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kagi-home-erin-'));
    try {
      const erinId = requestAs(erinHome, 'erin');
      editMember(erinId, { role: 'owner' });
      const p = new ScriptedPrompter([{ confirm: 'Approve' }]);
      await team.handleMessage({ type: 'approve', memberId: erinId }, p);
      p.assertDone();
      const detail = p.shown.find((t) => /another channel/.test(t)) ?? '';
      assert.match(detail, /^Role: member \(the request asks for owner/m, 'the modal does not show the role granted');
      assert.match(detail, /^Name: erin$/m);
      assert.ok(p.shown.includes('Approve as owner'), 'no explicit choice of the owner role');
      const erin = members().find((m) => m.member_id === erinId)!;
      assert.deepEqual([erin.status, erin.role], ['active', 'member']);
      // tidy up: erin leaves again (the rotation confirms the member id)
      await team.handleMessage({ type: 'remove', memberId: erinId }, new ScriptedPrompter([{ input: erinId }]));
      assert.equal(members().find((m) => m.member_id === erinId)?.status, 'removed');
    } finally {
      fs.rmSync(erinHome, { recursive: true, force: true });
    }
  });

  it('approve: an entry edited while the modal is open is refused; nothing is wrapped for it', async () => {
    const frankHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kagi-home-frank-'));
    const malloryHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kagi-home-mallory-'));
    try {
      const frankId = requestAs(frankHome, 'frank');
      const malloryId = requestAs(malloryHome, 'mallory');
      const malloryRecipient = members().find((m) => m.member_id === malloryId)!.recipient;
      /** Someone rewrites frank's request (to mallory's device key) after the owner saw it. */
      class EditWhileShown extends ScriptedPrompter {
        override async confirm<B extends string>(
          message: string,
          detail: string,
          buttons: B[],
        ): Promise<B | undefined> {
          const answer = await super.confirm(message, detail, buttons);
          editMember(frankId, { recipient: malloryRecipient });
          return answer;
        }
      }
      const p = new EditWhileShown([{ confirm: 'Approve' }]);
      await team.handleMessage({ type: 'approve', memberId: frankId }, p);
      p.assertDone();
      const frank = members().find((m) => m.member_id === frankId)!;
      assert.equal(frank.status, 'pending', 'the edited entry was approved');
      assert.equal(frank.wrapped_key, undefined);
      assert.ok(!p.infos.some((t) => /approved/.test(t)), 'an approval was reported');
      const state = await team.refresh();
      assert.equal(state.kind === 'ready' && state.members.find((m) => m.id === frankId)?.status, 'pending');
      const r = kagiCli(['get', secret.service, secret.env, '--show', '--yes'], {
        cwd: ws,
        env: { KAGI_HOME: malloryHome, USER: 'mallory' },
      });
      assert.notEqual(r.code, 0, 'mallory can read');
      for (const id of [frankId, malloryId])
        await team.handleMessage({ type: 'reject', memberId: id }, new ScriptedPrompter([{ confirm: 'Reject' }]));
      assert.ok(!members().some((m) => m.member_id === frankId || m.member_id === malloryId));
    } finally {
      fs.rmSync(frankHome, { recursive: true, force: true });
      fs.rmSync(malloryHome, { recursive: true, force: true });
    }
  });

  it('a forged active entry is marked unverified and must be confirmed before any wrap; declining changes nothing', async () => {
    const original = accessText();
    const ginaHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kagi-home-gina-'));
    const malloryHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kagi-home-mallory-'));
    try {
      const ginaId = requestAs(ginaHome, 'gina');
      const malloryId = requestAs(malloryHome, 'mallory');
      const mallory = members().find((m) => m.member_id === malloryId)!;
      // A repository writer makes their own request active, with a wrap copied from the owner's entry.
      const owner = members().find((m) => m.status === 'active' && m.role === 'owner')!;
      editMember(malloryId, { status: 'active', wrapped_key: owner.wrapped_key! });
      const state = await team.refresh();
      assert.equal(state.kind === 'ready' && state.members.find((m) => m.id === malloryId)?.unverified, true);
      assert.equal(
        state.kind === 'ready' && state.members.find((m) => m.id === owner.member_id)?.unverified,
        undefined,
      );
      const hash = accessHash();
      const p = new ScriptedPrompter([{ confirm: 'Approve' }, { confirm: undefined }]);
      await team.handleMessage({ type: 'approve', memberId: ginaId }, p);
      p.assertDone();
      const shown = p.shown.find((t) => t.includes(malloryId)) ?? '';
      assert.match(shown, /new active member entry that this device never approved/);
      assert.ok(shown.includes(mallory.recipient), 'the difference does not show the recipient the key would go to');
      assert.equal(accessHash(), hash, 'declining the difference still wrote access.json');
    } finally {
      fs.writeFileSync(accessFile, original);
      fs.rmSync(ginaHome, { recursive: true, force: true });
      fs.rmSync(malloryHome, { recursive: true, force: true });
    }
  });

  it('remove: asks for the member id, rotates the key; the removed device cannot read, the owner can', async () => {
    const oldWrap = members().find((m) => m.status === 'active' && m.role === 'owner')!.wrapped_key;
    const wrong = new ScriptedPrompter([{ input: 'bob' }]);
    const hash = accessHash();
    await team.handleMessage({ type: 'remove', memberId: bobId }, wrong);
    assert.match(wrong.errors.join('\n'), /rejected the scripted answer/, 'the prompt accepts the name (not unique)');
    assert.equal(accessHash(), hash, 'a wrong confirmation still removed');

    const p = new ScriptedPrompter([{ input: bobId }]);
    await team.handleMessage({ type: 'remove', memberId: bobId }, p);
    p.assertDone();
    const [q] = p.inputs;
    assert.ok(q?.validate, 'the id prompt has no validation');
    assert.ok(q.validate('bob'), 'the name is accepted instead of the id');
    assert.equal(q.validate(bobId), undefined);
    assert.ok(q.prompt?.includes(recipientFingerprint(bob().recipient)), 'the prompt does not show the fingerprint');
    assert.ok(p.progressSteps.length > 0, 'no progress was reported');
    assert.equal(bob().status, 'removed');
    assert.equal(bob().wrapped_key, undefined);
    const owner = members().find((m) => m.status === 'active' && m.role === 'owner')!;
    assert.notEqual(owner.wrapped_key, oldWrap, 'the key was not re-wrapped');

    const asBob = readAs(bobHome);
    assert.notEqual(asBob.code, 0, 'the removed device can still read');
    assert.ok(!asBob.stdout.includes(secret.value));
    const asOwner = readAs(undefined);
    assert.equal(asOwner.code, 0, `the owner cannot read after rotation: ${asOwner.stderr}`);
    assert.ok(asOwner.stdout.includes(secret.value));
  });

  it('an interrupted removal (journal left behind) is finished when the view refreshes', async () => {
    const daveHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kagi-home-dave-'));
    try {
      const out = kagi(['member', 'request', '--name', 'dave'], {
        cwd: ws,
        env: { KAGI_HOME: daveHome, USER: 'dave' },
      });
      const daveId = /kgm_[A-Za-z0-9_-]+/.exec(out)![0];
      await team.handleMessage({ type: 'approve', memberId: daveId }, new ScriptedPrompter([{ confirm: 'Approve' }]));
      const asDave = () =>
        kagiCli(['get', secret.service, secret.env, '--show', '--yes'], {
          cwd: ws,
          env: { KAGI_HOME: daveHome, USER: 'dave' },
        });
      assert.equal(asDave().code, 0, 'dave cannot read after approval');

      // A removal that "crashed" right after writing its journal: nothing in .kagi/ changed yet.
      const project = Project.open(ws, { env: process.env });
      const plan = await planRotation(project, daveId);
      writeJournal(project.dataDir, plan.journal);
      const journal = journalPath(project.dataDir, plan.journal.projectId);
      assert.ok(fs.existsSync(journal));
      assert.equal(members().find((m) => m.member_id === daveId)?.status, 'active');

      const state = await team.refresh();
      assert.equal(state.kind, 'ready');
      assert.equal(fs.existsSync(journal), false, 'the journal was not replayed');
      assert.equal(members().find((m) => m.member_id === daveId)?.status, 'removed');
      assert.notEqual(asDave().code, 0, 'dave can still read after the finished rotation');
      const asOwner = readAs(undefined);
      assert.equal(asOwner.code, 0, `the owner cannot read after recovery: ${asOwner.stderr}`);
      assert.ok(asOwner.stdout.includes(secret.value));

      // A journal that cannot be replayed is reported with what to do, and nothing is written.
      const hash = accessHash();
      fs.writeFileSync(journal, '{"version": 1, "project_id": "kgp_someoneElse0", "access_json": "{}", "files": {}}');
      try {
        const bad = await team.refresh();
        assert.equal(bad.kind, 'error');
        assert.match(bad.kind === 'error' ? bad.message : '', /doctor --fix/);
        assert.equal(accessHash(), hash);
      } finally {
        fs.rmSync(journal, { force: true });
      }
    } finally {
      fs.rmSync(daveHome, { recursive: true, force: true });
    }
  });

  it('conflict markers: the view shows the conflict; "Merge as union" keeps both sides', async () => {
    const ours = accessText();
    const parsed = JSON.parse(ours) as { members: AccessMember[] };
    const carolId = 'kgm_CarolTestAbc';
    const carol = { member_id: carolId, name: 'carol', recipient: bob().recipient, role: 'member', status: 'pending' };
    const theirs = `${JSON.stringify({ ...parsed, members: [...parsed.members, carol] }, null, 2)}\n`;
    const body = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
    fs.writeFileSync(accessFile, `<<<<<<< HEAD\n${body(ours)}=======\n${body(theirs)}>>>>>>> feature\n`);
    try {
      const state = await team.refresh();
      assert.equal(state.kind, 'conflict');

      await team.handleMessage({ type: 'resolveConflict' }, new ScriptedPrompter([]));
      assert.ok(!accessText().includes('<<<<<<<'), 'conflict markers remain');
      const after = members();
      assert.equal(after.find((m) => m.member_id === carolId)?.status, 'pending', 'their pending request was lost');
      assert.equal(after.find((m) => m.member_id === bobId)?.status, 'removed', 'our removal was lost');
      assert.equal(team.lastState.kind, 'ready');

      // tidy up: reject the made-up request through the handler too
      await team.handleMessage({ type: 'reject', memberId: carolId }, new ScriptedPrompter([{ confirm: 'Reject' }]));
      assert.equal(
        members().some((m) => m.member_id === carolId),
        false,
        'reject did not delete the request',
      );
    } finally {
      if (accessText().includes('<<<<<<<')) fs.writeFileSync(accessFile, ours);
    }
  });

  after(() => {
    if (bobHome) fs.rmSync(bobHome, { recursive: true, force: true });
  });
});

describe('Team access in Restricted Mode', function () {
  this.timeout(60000);

  it('shows no members and runs no action, even for a well-formed message', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    const team = (await kagiApi()).team;
    const state = await team.refresh();
    assert.deepEqual(state, { kind: 'untrusted' });
    const ws = workspaceFolder()!;
    const accessFile = path.join(ws, '.kagi', 'access.json');
    const hash = () => createHash('sha256').update(fs.readFileSync(accessFile)).digest('hex');
    const before = hash();
    const ownerId = (JSON.parse(fs.readFileSync(accessFile, 'utf8')) as { members: AccessMember[] }).members[0]!
      .member_id;
    const p = new ScriptedPrompter([{ confirm: 'Approve' }, { input: 'x' }]);
    for (const m of [
      { type: 'requestAccess' },
      { type: 'remove', memberId: ownerId },
      { type: 'resolveConflict' },
      { type: 'copyRecipient' },
    ]) {
      await team.handleMessage(m, p);
    }
    assert.deepEqual(p.shown, [], 'an action reached a prompt in Restricted Mode');
    assert.equal(hash(), before);
  });
});
