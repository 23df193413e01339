import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProjectConfig } from '../../src/vault/format/projectConfig';
import { discoverEnvFiles, pathSuffix } from '../../src/vault/dotenv/discovery';
import { tempDir } from './helpers';

function cfg(nested: boolean | string[], envs = ['development', 'production']): ProjectConfig {
  return {
    version: '2',
    projectId: 'kgp_abcdefghijkl',
    services: {},
    extra: {},
    settings: { nested, envs, defaultEnv: 'development', extra: {} },
  };
}

function touch(root: string, rel: string): void {
  const file = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'A=1\n');
}

function fnv1a24(text: string): string {
  // independent reference: FNV-1a 64 with BigInt, low 24 bits
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) % (1n << 64n);
  return (h % (1n << 24n)).toString(16).padStart(6, '0');
}

describe('.env discovery and monorepo mappings (docs/format.md §9.4, §8.5)', () => {
  it('maps file names to scopes and templates, skipping build folders', () => {
    const root = tempDir();
    for (const f of [
      '.env',
      '.env.production',
      '.env.local',
      '.env.example',
      '.env.sample',
      '.env.template',
      '.env.bad.name',
      'env',
      '.envrc',
      'apps/api/.env',
      'apps/api/.env.test',
      'node_modules/x/.env',
      'dist/.env',
      'a/.git/.env',
      'web/build/.env.production',
    ]) {
      touch(root, f);
    }
    const { files, monorepo } = discoverEnvFiles(root, cfg(false));
    const rel = files.map((f) => [path.relative(root, f.file).split(path.sep).join('/'), f.scope, f.template]);
    assert.deepEqual(rel, [
      ['.env', 'development', false],
      ['.env.example', 'development', true],
      ['.env.local', 'local', false],
      ['.env.production', 'production', false],
      ['.env.sample', 'development', true],
      ['.env.template', 'development', true],
      ['apps/api/.env', 'apps-api/development', false],
      ['apps/api/.env.test', 'apps-api/test', false],
    ]);
    assert.equal(monorepo, undefined); // only written when nested is exactly true
  });

  it('a configured env with odd characters is still taken', () => {
    const root = tempDir();
    touch(root, '.env.qa.eu');
    assert.deepEqual(
      discoverEnvFiles(root, cfg(false, ['development', 'qa.eu'])).files.map((f) => f.scope),
      ['qa.eu'],
    );
  });

  it('stops at depth 4 like WalkDir::max_depth(4)', () => {
    const root = tempDir();
    touch(root, 'a/b/c/.env');
    touch(root, 'a/b/c/d/.env');
    assert.deepEqual(
      discoverEnvFiles(root, cfg(false)).files.map((f) => f.scope),
      ['a-b-c/development'],
    );
  });

  it('nested:true writes mappings; colliding names get an FNV-1a suffix', () => {
    const root = tempDir();
    touch(root, 'apps/api/.env');
    touch(root, 'apps-api/.env.production');
    touch(root, 'web/.env');
    const { files, monorepo } = discoverEnvFiles(root, cfg(true));
    assert.equal(pathSuffix('apps/api'), fnv1a24('apps/api'));
    assert.equal(pathSuffix('apps\\api'), pathSuffix('apps/api'));
    assert.equal(pathSuffix(''), '222325'); // FNV-1a-64("") = cbf29ce484222325
    assert.equal(pathSuffix('a'), '01ec8c'); // FNV-1a-64("a") = af63dc4c8601ec8c
    assert.deepEqual(monorepo, {
      maxDepth: 4,
      services: [
        { path: 'apps-api', service: `apps-api-${fnv1a24('apps-api')}` },
        { path: 'apps/api', service: `apps-api-${fnv1a24('apps/api')}` },
        { path: 'web', service: 'web' },
      ],
    });
    assert.deepEqual(
      files.map((f) => f.scope).sort(),
      [
        `apps-api-${fnv1a24('apps-api')}/production`,
        `apps-api-${fnv1a24('apps/api')}/development`,
        'web/development',
      ].sort(),
    );
  });

  it('an existing monorepo mapping names its folder', () => {
    const root = tempDir();
    touch(root, 'services/billing/.env');
    const c = cfg(true);
    c.settings.monorepo = { maxDepth: 4, services: [{ path: 'services/billing/', service: 'billing' }] };
    assert.deepEqual(
      discoverEnvFiles(root, c).files.map((f) => f.scope),
      ['billing/development'],
    );
  });
});
