// Issue 18 #4: `"kagi"` inside a node configuration is flagged "Property kagi is not allowed";
// the wrapper type `"type": "kagi"` (package.json `debuggers`) validates, and launches the
// configuration it names with the scope's secrets.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { kagi, sleep, waitFor, workspaceFolder } from '../helpers';
import { api, fixtureToken, folder, HASH_ENV_JS, outFile, readJsonWhenWritten, sha256 } from './injectHelpers';

const launchJson = () => path.join(workspaceFolder()!, '.vscode', 'launch.json');

/** Starts a configuration (or one of launch.json by name) without debugging; waits for its end. */
async function runToEnd(config: vscode.DebugConfiguration | string, name: string): Promise<void> {
  let terminated = false;
  const sub = vscode.debug.onDidTerminateDebugSession((s) => {
    if (s.name === name) terminated = true;
  });
  try {
    const ok = await vscode.debug.startDebugging(folder(), config, { noDebug: true });
    assert.equal(ok, true, 'startDebugging returned false');
    await waitFor(() => terminated, { timeoutMs: 30000, what: `the session "${name}" to end` });
  } finally {
    sub.dispose();
  }
}

describe('launch.json: the "kagi" wrapper debug type', function () {
  this.timeout(90000);
  let program = '';
  let out = '';

  before(async () => {
    await api();
    program = path.join(workspaceFolder()!, '.kagi-it', 'hash-env-wrapper.js');
    fs.mkdirSync(path.dirname(program), { recursive: true });
    fs.writeFileSync(program, HASH_ENV_JS);
    out = outFile('debug-wrapper');
    const plain = {
      type: 'node',
      request: 'launch',
      name: 'kagi-it plain',
      program,
      args: [JSON.stringify(['API_TOKEN']), out],
      console: 'internalConsole',
    };
    const launch = {
      version: '0.2.0',
      configurations: [
        plain,
        {
          type: 'kagi',
          request: 'launch',
          name: 'kagi-it wrapped',
          configuration: 'kagi-it plain',
          service: 'api',
          env: 'staging',
        },
        { ...plain, name: 'kagi-it inline', kagi: true },
      ],
    };
    fs.mkdirSync(path.dirname(launchJson()), { recursive: true });
    fs.writeFileSync(launchJson(), JSON.stringify(launch, null, 2));
    await waitFor(
      () =>
        (vscode.workspace.getConfiguration('launch', folder().uri).get<unknown[]>('configurations') ?? []).length === 3,
      { timeoutMs: 20000, what: 'VS Code to read the new launch.json' },
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(launchJson(), { force: true });
  });

  it('the wrapper configuration has no problem marker (the inline "kagi" form does)', async () => {
    const doc = await vscode.workspace.openTextDocument(launchJson());
    await vscode.window.showTextDocument(doc);
    // The inline form's marker proves the schema was applied, so "no marker" below means something.
    const diagnostics = await waitFor(
      () => {
        const d = vscode.languages.getDiagnostics(doc.uri);
        return d.some((x) => /kagi/.test(x.message)) ? d : undefined;
      },
      { timeoutMs: 30000, what: 'launch.json to be validated (a marker on the inline "kagi")' },
    );
    const text = doc.getText();
    const start = doc.positionAt(text.indexOf('"type": "kagi"'));
    const end = doc.positionAt(text.indexOf('"name": "kagi-it inline"'));
    const wrapper = new vscode.Range(start.with(undefined, 0), end);
    await sleep(500);
    const onWrapper = vscode.languages.getDiagnostics(doc.uri).filter((d) => wrapper.intersection(d.range));
    assert.deepEqual(
      onWrapper.map((d) => `${d.range.start.line + 1}: ${d.message}`),
      [],
      'the wrapper configuration is flagged',
    );
    assert.ok(diagnostics!.some((d) => /Property kagi is not allowed/.test(d.message)));
  });

  it("launching the wrapper runs the named configuration with the scope's secrets", async () => {
    const token = fixtureToken('staging');
    assert.ok(vscode.extensions.getExtension('ms-vscode.js-debug'), 'the builtin ms-vscode.js-debug is missing');
    await runToEnd('kagi-it wrapped', 'kagi-it wrapped');
    const hashes = await readJsonWhenWritten<Record<string, string>>(out);
    assert.equal(hashes.API_TOKEN, sha256(token), 'API_TOKEN is not the api/staging secret');
  });

  // Issue 18 #5: `"kagi": true` (here: a wrapper naming no service) in a nested vault with two
  // services, launched from the workspace root (js-debug fills `cwd` with ${workspaceFolder}):
  // the service comes from the program's folder.
  describe('service inferred from the program folder', () => {
    let kagiJson = '';
    const kagiJsonPath = () => path.join(workspaceFolder()!, '.kagi', 'kagi.json');

    before(() => {
      kagiJson = fs.readFileSync(kagiJsonPath(), 'utf8');
      kagi(['set', 'web', 'staging', 'WEB_ONLY', 'web-value']);
      const cfg = JSON.parse(fs.readFileSync(kagiJsonPath(), 'utf8'));
      cfg.settings.nested = true;
      fs.writeFileSync(kagiJsonPath(), JSON.stringify(cfg, null, 2));
    });

    after(() => {
      for (const env of ['development', 'staging', 'production']) kagi(['scope', 'remove', '--force', `web/${env}`]);
      fs.writeFileSync(kagiJsonPath(), kagiJson);
    });

    it("a launch whose program is in api/ gets api's secrets", async () => {
      const token = fixtureToken('staging');
      const apiProgram = path.join(workspaceFolder()!, 'api', 'hash-env.js');
      fs.mkdirSync(path.dirname(apiProgram), { recursive: true });
      fs.writeFileSync(apiProgram, HASH_ENV_JS);
      const target = outFile('debug-program-folder');
      const name = 'kagi-it api by program';
      await runToEnd(
        {
          type: 'kagi',
          request: 'launch',
          name,
          env: 'staging',
          launch: {
            type: 'node',
            request: 'launch',
            program: apiProgram,
            args: [JSON.stringify(['API_TOKEN', 'WEB_ONLY']), target],
            console: 'internalConsole',
          },
        },
        name,
      );
      const hashes = await readJsonWhenWritten<Record<string, string>>(target);
      assert.equal(hashes.API_TOKEN, sha256(token), 'API_TOKEN is not the api/staging secret');
      assert.equal(hashes.WEB_ONLY, '(unset)', "web's secrets were injected");
    });
  });
});
