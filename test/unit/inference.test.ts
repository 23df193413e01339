import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { locate } from '../../src/vault/scopes/inference';
import { tempDir } from './helpers';

/** A bare `.kagi/kagi.json` is all inference reads; no key is needed. */
function vault(dir: string, settings: Record<string, unknown>): string {
  fs.mkdirSync(path.join(dir, '.kagi'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.kagi', 'kagi.json'),
    JSON.stringify({
      version: '2',
      project_id: 'kgp_abcdefghijkl',
      services: {},
      settings: { envs: ['development'], default_env: 'development', ...settings },
    }),
  );
  return dir;
}

function mkdirs(root: string, rel: string): string {
  const dir = path.join(root, ...rel.split('/'));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

describe('inference (docs/format.md §8.5)', () => {
  it('nested:true + cwd api/src gives api', () => {
    const root = vault(tempDir(), { nested: true });
    assert.deepEqual(locate(mkdirs(root, 'api/src')), { root, service: 'api' });
  });

  it('nested:["api"] allows api/… but not web', () => {
    const root = vault(tempDir(), { nested: ['api', 'libs/shared/'] });
    assert.deepEqual(locate(mkdirs(root, 'web')), { root });
    assert.deepEqual(locate(mkdirs(root, 'api/deep/er')), { root, service: 'api' });
    assert.deepEqual(locate(mkdirs(root, 'libs/shared/x')), { root, service: 'libs' });
    assert.deepEqual(locate(mkdirs(root, 'libs/other')), { root });
  });

  it('nested:false infers nothing', () => {
    const root = vault(tempDir(), { nested: false });
    assert.deepEqual(locate(mkdirs(root, 'api')), { root });
  });

  it('a monorepo mapping wins over nested, the longest mapping wins, ties go to the last', () => {
    const root = vault(tempDir(), {
      nested: true,
      monorepo: {
        max_depth: 4,
        services: [
          { path: 'apps', service: 'apps-all' },
          { path: '/apps/api/', service: 'apps-api' },
          { path: 'apps\\web', service: 'first-web' },
          { path: 'apps/web', service: 'last-web' },
          { path: '', service: 'ignored' },
        ],
      },
    });
    assert.deepEqual(locate(mkdirs(root, 'apps/api/src')), { root, service: 'apps-api' });
    assert.deepEqual(locate(mkdirs(root, 'apps/api')), { root, service: 'apps-api' });
    assert.deepEqual(locate(mkdirs(root, 'apps/apix')), { root, service: 'apps-all' });
    assert.deepEqual(locate(mkdirs(root, 'apps/web/a')), { root, service: 'last-web' });
    assert.deepEqual(locate(mkdirs(root, 'tools')), { root, service: 'tools' }); // nested fallback
  });

  it('cwd holding .kagi itself means no service, even inside a parent vault', () => {
    const outer = vault(tempDir(), { nested: true });
    const inner = vault(mkdirs(outer, 'api'), { nested: true });
    assert.deepEqual(locate(inner), { root: inner });
    assert.deepEqual(locate(outer), { root: outer });
    assert.deepEqual(locate(mkdirs(inner, 'sub')), { root: inner, service: 'sub' });
  });

  it('no vault above gives undefined; a broken kagi.json still finds the root', () => {
    assert.equal(locate(tempDir()), undefined);
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.kagi'));
    fs.writeFileSync(path.join(root, '.kagi', 'kagi.json'), '{ nope');
    assert.deepEqual(locate(mkdirs(root, 'api')), { root });
  });
});
