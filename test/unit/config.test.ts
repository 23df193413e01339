// The `kagi.*` settings: config.ts's table against package.json's contributes.configuration,
// and the validation of each getter (settings.json is hand-edited: anything can be in it).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { KagiConfig, SETTINGS, settingId, type SettingKey } from '../../src/extension/config';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const declared = pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>;

/** A settings scope holding `values` (keys relative to `kagi`), as WorkspaceConfiguration.get reads it. */
const configOf = (values: Partial<Record<SettingKey, unknown>>) =>
  new KagiConfig({ get: <T>(key: string) => values[key as SettingKey] as T });

describe('kagi.* settings (config.ts)', () => {
  it('declares in package.json exactly the settings of config.ts', () => {
    assert.deepEqual(
      Object.keys(declared).sort(),
      Object.keys(SETTINGS)
        .map((k) => settingId(k as SettingKey))
        .sort(),
    );
  });

  it('matches package.json in type, default, bounds and scope', () => {
    for (const [key, spec] of Object.entries(SETTINGS)) {
      const p = declared[settingId(key as SettingKey)]!;
      const { type, default: def, scope } = spec as { type: string; default: unknown; scope?: string };
      assert.equal(p.type, type, key);
      assert.deepEqual(p.default, def, key);
      assert.equal(p.scope, scope, key);
      if (type === 'number') {
        const { minimum, maximum } = spec as unknown as { minimum: number; maximum: number };
        assert.equal(p.minimum, minimum, key);
        assert.equal(p.maximum, maximum, key);
      }
      assert.ok(
        typeof p.markdownDescription === 'string' && p.markdownDescription.length > 0,
        `${key} is undocumented`,
      );
    }
  });

  it('a repository cannot switch on secrets in every terminal: injectActiveScope is user-only (issue 16)', () => {
    // `machine` and `application` settings are read from user settings only; VS Code ignores
    // them in a workspace's .vscode/settings.json, which a cloned repository controls.
    const p = declared[settingId('terminal.injectActiveScope')]!;
    assert.ok(['machine', 'application'].includes(p.scope as string), `scope is ${String(p.scope)}`);
  });

  it('reads the defaults when nothing is set', () => {
    const c = configOf({});
    assert.equal(c.clipboardClearSeconds, 30);
    assert.equal(c.envExampleDiagnostics, true);
    assert.equal(c.terminalInjectActiveScope, false);
    assert.equal(c.terminalService, '');
  });

  it('reads set values', () => {
    const c = configOf({
      clipboardClearSeconds: 5,
      'diagnostics.envExample': false,
      'terminal.injectActiveScope': true,
      'terminal.service': 'api',
    });
    assert.equal(c.clipboardClearSeconds, 5);
    assert.equal(c.envExampleDiagnostics, false);
    assert.equal(c.terminalInjectActiveScope, true);
    assert.equal(c.terminalService, 'api');
  });

  it('reads a value of the wrong type as the default', () => {
    const c = configOf({
      clipboardClearSeconds: '5',
      'diagnostics.envExample': 'no',
      'terminal.injectActiveScope': 1,
      'terminal.service': ['api'],
    });
    assert.equal(c.clipboardClearSeconds, 30);
    assert.equal(c.envExampleDiagnostics, true);
    assert.equal(c.terminalInjectActiveScope, false);
    assert.equal(c.terminalService, '');
    assert.equal(configOf({ clipboardClearSeconds: Number.NaN }).clipboardClearSeconds, 30);
  });

  it('clamps a number to its bounds and trims the service name', () => {
    assert.equal(configOf({ clipboardClearSeconds: -4 }).clipboardClearSeconds, 0);
    assert.equal(configOf({ clipboardClearSeconds: 86400 }).clipboardClearSeconds, 600);
    assert.equal(configOf({ 'terminal.service': '  web \n' }).terminalService, 'web');
  });

  it('protectedEnvironments: production by default; a list of names, anything else the default', () => {
    assert.deepEqual(configOf({}).protectedEnvironments, ['production']);
    assert.deepEqual(configOf({ protectedEnvironments: [] }).protectedEnvironments, []);
    assert.deepEqual(configOf({ protectedEnvironments: [' prod ', 3, 'staging'] }).protectedEnvironments, [
      'prod',
      'staging',
    ]);
    assert.deepEqual(configOf({ protectedEnvironments: 'production' }).protectedEnvironments, ['production']);
  });
});
