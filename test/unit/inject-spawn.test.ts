import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { needsShell, shellQuote } from '../../src/extension/shellQuote';
import { allowedInWorkspace } from '../../src/extension/trustGate';

describe('inject: how a kagi task starts its program', () => {
  it('spawns directly unless the task needs a shell', () => {
    assert.equal(needsShell({ command: 'node', args: ['-e', 'x | y'] }, 'linux'), false);
    assert.equal(needsShell({ command: 'node' }, 'linux'), false);
    assert.equal(needsShell({ command: 'npm run dev | tee log' }, 'linux'), true);
    assert.equal(needsShell({ command: 'npm run dev' }, 'linux'), true);
    assert.equal(needsShell({ command: 'npm run dev', shell: false }, 'linux'), false);
    assert.equal(needsShell({ command: 'node', args: [], shell: true }, 'linux'), true);
    assert.equal(needsShell({ command: 'npm', args: ['run', 'dev'] }, 'win32'), true);
    assert.equal(needsShell({ command: 'node.exe', args: ['a.js'] }, 'win32'), false);
  });

  it('POSIX quoting passes arguments through sh -c byte for byte', function () {
    if (process.platform === 'win32') this.skip();
    const args = ['plain', 'with space', "it's", '$HOME', '`id`', 'a"b', '*', '', 'x\ny', '--flag=1'];
    const line = ['node', '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args]
      .map((a) => shellQuote(a, 'linux'))
      .join(' ');
    const r = spawnSync(line, { shell: true, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(r.stdout), args);
  });

  it('Windows quoting wraps and escapes double quotes and trailing backslashes', () => {
    assert.equal(shellQuote('plain', 'win32'), 'plain');
    assert.equal(shellQuote('with space', 'win32'), '"with space"');
    assert.equal(shellQuote('a"b', 'win32'), '"a""b"');
    assert.equal(shellQuote('a\\"b', 'win32'), '"a\\\\""b"');
    assert.equal(shellQuote('dir\\', 'win32'), 'dir\\');
    assert.equal(shellQuote('my dir\\', 'win32'), '"my dir\\\\"');
  });

  it('Windows quoting keeps cmd metacharacters inside quotes (cmd does not honour \\")', () => {
    // cmd.exe's rule: every `"` toggles quoting; & | < > ^ ( ) outside quotes are syntax.
    const exposed = (line: string): string[] => {
      let quoted = false;
      const out: string[] = [];
      for (const c of line) {
        if (c === '"') quoted = !quoted;
        else if (!quoted && '&|<>^()'.includes(c)) out.push(c);
      }
      return out;
    };
    for (const arg of ['x" & calc & "', 'a"b|c', '"&"', 'q\\" & del *', '"', '""', 'a ^ b', 'x"(y)"z>f']) {
      assert.deepEqual(exposed(shellQuote(arg, 'win32')), [], `${arg} → ${shellQuote(arg, 'win32')}`);
    }
  });
});

describe('inject: Restricted Mode gate for the injection commands', () => {
  const mine = ['kagi.runLaunchWithSecrets', 'kagi.runLaunchWithSecretsNoDebug', 'kagi.openTerminalWithScope'];

  it('refuses them untrusted and allows them trusted', () => {
    for (const id of mine) {
      assert.equal(allowedInWorkspace(id, false), false, id);
      assert.equal(allowedInWorkspace(id, true), true, id);
    }
  });

  it('contributes them, the kagi task type and the opt-in terminal setting (default off)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const ids = pkg.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of mine) assert.ok(ids.includes(id), id);
    const def = pkg.contributes.taskDefinitions.find((d: { type: string }) => d.type === 'kagi');
    assert.deepEqual(def.required, ['command']);
    for (const p of ['command', 'args', 'cwd', 'service', 'env']) assert.ok(p in def.properties, p);
    assert.equal(pkg.contributes.configuration.properties['kagi.terminal.injectActiveScope'].default, false);
    assert.equal(pkg.contributes.configuration.properties['kagi.terminal.service'].default, '');
  });
});
