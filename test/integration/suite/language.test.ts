import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture, waitFor, workspaceFolder } from '../helpers';
import { assertNoValues } from '../scriptedPrompter';

describe('Kagi key names in code', () => {
  const fx = fixture();
  const secretValues = (fx.vault?.secrets ?? []).map((s) => s.value);
  const dir = () => path.join(workspaceFolder()!, 'lang');

  before(() => {
    assert.ok(fx.vault, 'the harness fixture has no vault');
    fs.mkdirSync(dir(), { recursive: true });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir(), { recursive: true, force: true });
  });

  async function open(name: string, text: string): Promise<vscode.TextDocument> {
    const file = path.join(dir(), name);
    fs.writeFileSync(file, text);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    return doc;
  }

  it('completes key names of the active environment after process.env. and os.getenv(', async function () {
    // The first .ts document starts the TypeScript server, whose completions are awaited too.
    this.timeout(90000);
    const ts = await open('app.ts', 'const t = process.env.\n');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      ts.uri,
      new vscode.Position(0, 22),
      '.',
    );
    const ours = list.items.filter((i) => typeof i.label !== 'string' && i.label.description?.startsWith('Kagi'));
    assert.ok(
      ours.some((i) => (i.label as vscode.CompletionItemLabel).label === 'API_TOKEN'),
      'API_TOKEN not offered',
    );
    assertNoValues(
      ours.flatMap((i) => [String(i.detail ?? ''), String(i.documentation ?? '')]),
      secretValues,
      'completions',
    );
    const py = await open('app.py', 'import os\nt = os.getenv("API\n');
    const pyList = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      py.uri,
      new vscode.Position(1, 18),
    );
    assert.ok(
      pyList.items.some((i) => typeof i.label !== 'string' && i.label.label === 'API_TOKEN'),
      'API_TOKEN not offered in Python',
    );
  });

  it('hovers name the scopes that define a key, never its value', async () => {
    const doc = await open('hover.ts', 'const t = process.env.API_TOKEN;\n');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(0, 25),
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /api\/development/);
    assert.match(text, /api\/production/);
    assertNoValues([text], secretValues, 'the hover');
  });

  it('warns on .env.example keys the active environment lacks', async () => {
    const doc = await open('.env.example', 'API_TOKEN=\nNOT_IN_VAULT=changeme\n# OPTIONAL_ONE=\n');
    const diags = await waitFor(
      () => {
        const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'Kagi');
        return d.length ? d : undefined;
      },
      { what: 'Kagi diagnostics on .env.example' },
    );
    assert.deepEqual(
      diags!.map((d) => [d.range.start.line, d.severity]),
      [[1, vscode.DiagnosticSeverity.Warning]],
    );
    assert.match(diags![0]!.message, /NOT_IN_VAULT/);
  });
});
