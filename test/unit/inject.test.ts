import * as assert from 'node:assert/strict';
import { KagiError } from '../../src/vault/errors';
import { mergeEnv, secretEnv } from '../../src/vault/usecases/processEnv';
import { injectIntoLaunchConfig, launchEnvShape, parseKagiProperty } from '../../src/extension/launchConfig';

const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object') {
    Object.values(o as object).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
};

describe('inject: mergeEnv', () => {
  it('adds secrets to the parent environment, secrets winning', () => {
    const parent = deepFreeze({ PATH: '/bin', API_TOKEN: 'from-parent', EMPTY: '' });
    const out = mergeEnv(parent, { API_TOKEN: 's1', DB_URL: 's2' }, { caseInsensitive: false });
    assert.deepEqual(out, { PATH: '/bin', API_TOKEN: 's1', EMPTY: '', DB_URL: 's2' });
    assert.equal(parent.API_TOKEN, 'from-parent');
  });

  it('drops undefined parent entries (process.env shape)', () => {
    const out = mergeEnv({ A: undefined, B: 'b' }, {}, { caseInsensitive: false });
    assert.deepEqual(out, { B: 'b' });
    assert.ok(!('A' in out));
  });

  it('is case-sensitive on POSIX and case-insensitive on Windows', () => {
    assert.deepEqual(mergeEnv({ Path: 'p' }, { PATH: 's' }, { caseInsensitive: false }), { Path: 'p', PATH: 's' });
    assert.deepEqual(mergeEnv({ Path: 'p' }, { PATH: 's' }, { caseInsensitive: true }), { PATH: 's' });
  });

  it('returns a new object', () => {
    const parent = { A: 'a' };
    assert.notEqual(mergeEnv(parent, {}), parent);
  });
});

describe('inject: secretEnv', () => {
  /** The environment of name/value pairs, handed over as a store's visitor hands them. */
  const envOf = (pairs: [string, string][]) =>
    secretEnv((add) => {
      for (const [key, value] of pairs) add(key, value);
    });

  it('turns names and values into key → value', () => {
    assert.deepEqual(
      envOf([
        ['A', '1'],
        ['B', '2'],
      ]),
      { A: '1', B: '2' },
    );
  });

  it("keeps names that are Object.prototype's as variables, __proto__ included", () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
    const env = envOf(names.map((n, i) => [n, `v${i}`]));
    assert.equal(Object.getPrototypeOf(env), Object.prototype, 'the prototype was replaced');
    assert.deepEqual(Object.keys(env), names);
    names.forEach((n, i) => assert.equal(Object.getOwnPropertyDescriptor(env, n)?.value, `v${i}`));
    const merged = mergeEnv({ PATH: '/bin' }, env, { caseInsensitive: false });
    assert.deepEqual(Object.keys(merged), ['PATH', ...names]);
    assert.equal(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value, 'v0');
  });
});

describe('inject: launch configuration shapes', () => {
  const secrets = deepFreeze({ API_TOKEN: 'tok', SHARED: 'from-vault' });

  it('detects the shape from the configuration, then the type', () => {
    assert.equal(launchEnvShape({ type: 'node' }), 'object');
    assert.equal(launchEnvShape({ type: 'debugpy' }), 'object');
    assert.equal(launchEnvShape({ type: 'lldb' }), 'object'); // codelldb
    assert.equal(launchEnvShape({ type: 'cppdbg' }), 'nameValueList');
    assert.equal(launchEnvShape({ type: 'cppvsdbg' }), 'nameValueList');
    assert.equal(launchEnvShape({ type: 'lldb-dap' }), 'stringList');
    assert.equal(launchEnvShape({ type: 'lldb-vscode' }), 'stringList');
    assert.equal(launchEnvShape({ type: 'other', environment: [] }), 'nameValueList');
    assert.equal(launchEnvShape({ type: 'other', env: ['A=1'] }), 'stringList');
    assert.equal(launchEnvShape({ type: 'other', env: [{ name: 'A', value: '1' }] }), 'nameValueList');
  });

  it('env object (node): launch env wins, secrets fill the rest, kagi removed, input untouched', () => {
    const config = deepFreeze({
      type: 'node',
      request: 'launch',
      name: 'x',
      program: 'a.js',
      kagi: { service: 'api' },
      env: { SHARED: 'from-launch', OTHER: '1', UNSET: null },
    });
    const r = injectIntoLaunchConfig(config as Record<string, unknown>, secrets, { caseInsensitive: false });
    assert.equal(r.shape, 'object');
    assert.deepEqual(r.config.env, { API_TOKEN: 'tok', SHARED: 'from-launch', OTHER: '1', UNSET: null });
    assert.deepEqual(r.injected, ['API_TOKEN']);
    assert.deepEqual(r.shadowed, ['SHARED']);
    assert.ok(!('kagi' in r.config));
    assert.equal(r.config.program, 'a.js');
    assert.deepEqual(config.env, { SHARED: 'from-launch', OTHER: '1', UNSET: null });
    assert.deepEqual(config.kagi, { service: 'api' });
  });

  it('env object when the configuration has none', () => {
    const r = injectIntoLaunchConfig<Record<string, unknown>>({ type: 'python', request: 'launch' }, secrets);
    assert.deepEqual(r.config.env, { API_TOKEN: 'tok', SHARED: 'from-vault' });
  });

  it('environment name/value list (cppdbg): existing names win', () => {
    const config = deepFreeze({
      type: 'cppdbg',
      request: 'launch',
      environment: [{ name: 'SHARED', value: 'from-launch' }],
    });
    const r = injectIntoLaunchConfig(config as Record<string, unknown>, secrets, { caseInsensitive: false });
    assert.equal(r.shape, 'nameValueList');
    assert.deepEqual(r.config.environment, [
      { name: 'API_TOKEN', value: 'tok' },
      { name: 'SHARED', value: 'from-launch' },
    ]);
    assert.ok(!('env' in r.config));
    assert.deepEqual(config.environment, [{ name: 'SHARED', value: 'from-launch' }]);
    assert.notEqual((r.config.environment as unknown[])[1], config.environment[0]);
  });

  it('environment list created for cppvsdbg without one', () => {
    const r = injectIntoLaunchConfig<Record<string, unknown>>({ type: 'cppvsdbg', request: 'launch' }, { A: '1' });
    assert.deepEqual(r.config.environment, [{ name: 'A', value: '1' }]);
  });

  it('env "K=V" list (lldb-dap): existing names win, values may contain "="', () => {
    const config = deepFreeze({ type: 'lldb-dap', request: 'launch', env: ['SHARED=from-launch', 'X=a=b'] });
    const r = injectIntoLaunchConfig(
      config as Record<string, unknown>,
      { ...secrets, EQ: 'x=y' },
      { caseInsensitive: false },
    );
    assert.equal(r.shape, 'stringList');
    assert.deepEqual(r.config.env, ['API_TOKEN=tok', 'EQ=x=y', 'SHARED=from-launch', 'X=a=b']);
    assert.deepEqual(config.env, ['SHARED=from-launch', 'X=a=b']);
  });

  it('env "K=V" list created for lldb-dap without one', () => {
    const r = injectIntoLaunchConfig<Record<string, unknown>>({ type: 'lldb-dap', request: 'launch' }, { A: '1' });
    assert.deepEqual(r.config.env, ['A=1']);
  });

  it('case-insensitive precedence on Windows', () => {
    const r = injectIntoLaunchConfig(
      { type: 'node', env: { api_token: 'mine' } },
      { API_TOKEN: 'tok' },
      { caseInsensitive: true },
    );
    assert.deepEqual(r.config.env, { api_token: 'mine' });
    assert.deepEqual(r.shadowed, ['API_TOKEN']);
  });
});

describe('inject: the kagi property', () => {
  it('parses true, a scope string and an object', () => {
    assert.equal(parseKagiProperty(undefined), undefined);
    assert.equal(parseKagiProperty(false), undefined);
    assert.deepEqual(parseKagiProperty(true), {});
    assert.deepEqual(parseKagiProperty('api/production'), { service: 'api', env: 'production' });
    assert.deepEqual(parseKagiProperty('production'), { env: 'production' });
    assert.deepEqual(parseKagiProperty({ service: 'api', env: 'production' }), { service: 'api', env: 'production' });
    assert.deepEqual(parseKagiProperty({ env: 'staging' }), { env: 'staging' });
  });

  it('refuses malformed values with a KagiError', () => {
    assert.throws(() => parseKagiProperty(42), KagiError);
    assert.throws(() => parseKagiProperty({ service: 1 }), KagiError);
  });
});
