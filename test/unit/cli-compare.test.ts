import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, kagi, kagiOk, type CliOptions } from './cli-harness';
import { device, tempDir } from './helpers';
import { letterFor } from '../../src/vault/usecases/compare';

const CANARY = 'compare-canary-R8w2Zt';
const OTHER = 'compare-other-9Kd3Qv';

function vault(): CliOptions {
  const v = { cwd: tempDir('kagi-compare-'), home: device('owner').home };
  kagiOk(['init', '--envs', 'development,staging,production', '--no-migrate'], v);
  kagiOk(['set', 'api', 'development', 'DB_URL', CANARY], v);
  kagiOk(['set', 'api', 'staging', 'DB_URL', CANARY], v);
  kagiOk(['set', 'api', 'production', 'DB_URL', OTHER], v);
  kagiOk(['set', 'api', 'production', 'ONLY_PROD', CANARY], v);
  kagiOk(['set', 'api', 'development', 'SHARED', OTHER], v);
  kagiOk(['set', 'api', 'production', 'SHARED', OTHER], v);
  kagiOk(['set', 'web', 'production', 'OTHER_SERVICE', CANARY], v);
  return v;
}

/** Every digest of the values an attacker might try against the output. */
function fingerprints(value: string): string[] {
  return ['sha256', 'sha1', 'md5'].flatMap((alg) => {
    const d = createHash(alg).update(value).digest();
    return [d.toString('hex'), d.toString('hex').slice(0, 8), d.toString('base64')];
  });
}

function assertNoValue(text: string): void {
  for (const v of [CANARY, OTHER]) {
    assert.ok(!text.includes(v), 'a value reached the output');
    for (const f of fingerprints(v)) assert.ok(!text.includes(f), 'a fingerprint reached the output');
  }
}

describe('cli: compare (key × environment matrix)', () => {
  before(ensureCliBuilt);

  it('--json: equal values share a letter per key, null is missing; configured env order', () => {
    const v = vault();
    const r = kagi(['compare', 'api', '--json'], v);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      service: 'api',
      envs: ['development', 'staging', 'production'],
      keys: {
        DB_URL: { development: 'A', staging: 'A', production: 'B' },
        ONLY_PROD: { development: null, staging: null, production: 'A' },
        SHARED: { development: 'A', staging: null, production: 'A' },
      },
    });
    assertNoValue(r.stdout + r.stderr);
  });

  it('a table on a terminal: letters, gaps, differences and the counts per environment', () => {
    const v = vault();
    const r = kagi(['compare', 'api'], v);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /│ DB_URL\s+│ A\s+│ A\s+│ B\s+│ differs │/);
    assert.match(r.stdout, /│ ONLY_PROD\s+│ —\s+│ —\s+│ A\s+│ missing │/);
    assert.match(r.stdout, /│ \(keys\)\s+│ 2\s+│ 1\s+│ 3\s+│/);
    assertNoValue(r.stdout + r.stderr);
  });

  it('the service inferred from the folder; an unknown service is an error naming the others', () => {
    const v = vault();
    const cfgFile = path.join(v.cwd, '.kagi', 'kagi.json');
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
    cfg.settings.monorepo = { max_depth: 3, services: [{ path: 'apps/web', service: 'web' }] };
    fs.writeFileSync(cfgFile, JSON.stringify(cfg));
    fs.mkdirSync(path.join(v.cwd, 'apps', 'web'), { recursive: true });
    const inferred = kagi(['compare', '--json'], { ...v, cwd: path.join(v.cwd, 'apps', 'web') });
    assert.equal(inferred.code, 0, inferred.stderr);
    assert.equal(JSON.parse(inferred.stdout).service, 'web');
    const none = kagi(['compare'], v);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /which service\?/);
    const unknown = kagi(['compare', 'nope'], v);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /existing services: api, web/);
  });

  it('a device that is not a member gets an error, not a matrix', () => {
    const v = vault();
    const r = kagi(['compare', 'api', '--json'], { ...v, home: device('stranger').home });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assertNoValue(r.stderr);
  });

  it('letters go on past Z', () => {
    assert.deepEqual([0, 1, 25, 26, 27, 701, 702].map(letterFor), ['A', 'B', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
