import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, hasScript, kagi, kagiOk, kagiTty, type CliOptions } from './cli-harness';
import { device, tempDir } from './helpers';

/** A monorepo with .env files at the root, in apps/api and in a skipped node_modules. */
function monorepo(): CliOptions {
  const cwd = tempDir('kagi-migrate-');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(cwd, rel)), { recursive: true });
    fs.writeFileSync(path.join(cwd, rel), text);
  };
  write('.env', 'ROOT_ONLY=root-value\n');
  write('apps/api/.env', 'DB_URL="postgres://x"\n');
  write('apps/api/.env.example', 'DB_URL=from-template\nPORT=3000\n');
  write('apps/api/.env.production', 'DB_URL=prod\n');
  write('node_modules/pkg/.env', 'NOPE=1\n');
  return { cwd, home: device('owner').home };
}

const config = (v: CliOptions) => JSON.parse(fs.readFileSync(path.join(v.cwd, '.kagi', 'kagi.json'), 'utf8'));

describe('cli: init finds .env files (docs/format.md §9.4)', () => {
  before(ensureCliBuilt);

  it('off a terminal: maps folders to services, lists the files, imports nothing', () => {
    const v = monorepo();
    const r = kagiOk(['init', '--nested', '--envs', 'production'], v);
    assert.match(r.stdout, /apps\/api → apps-api/);
    assert.match(r.stdout, /apps\/api\/\.env\.example → apps-api\/development \(template/);
    assert.ok(!r.stdout.includes('node_modules'));
    assert.match(r.stdout, /not imported/);
    assert.deepEqual(config(v).settings.monorepo, {
      max_depth: 4,
      services: [{ path: 'apps/api', service: 'apps-api' }],
    });
    assert.deepEqual(config(v).services, {});
    // The mapping is used: inside apps/api the service is inferred.
    kagiOk(['set', 'development', 'K', 'v'], { ...v, cwd: path.join(v.cwd, 'apps', 'api') });
    assert.ok(config(v).services['apps-api/development']);
  });

  it('--no-migrate looks for nothing', () => {
    const v = monorepo();
    const r = kagiOk(['init', '--nested', '--no-migrate'], v);
    assert.ok(!r.stdout.includes('.env file'));
    assert.equal(config(v).settings.monorepo, undefined);
  });

  it('on a terminal, y imports: files first, templates only fill missing keys', function () {
    if (!hasScript()) this.skip();
    const v = monorepo();
    const r = kagiTty(['init', '--nested', '--envs', 'production'], { ...v, input: 'y\n' });
    assert.match(r.stdout, /Import them into the vault\? \[y\/N\]/);
    const show = (...args: string[]) => kagiOk(['get', ...args], v).stdout.trim();
    assert.equal(show('--yes', 'apps-api', 'development', 'DB_URL'), 'postgres://x');
    assert.equal(show('--yes', 'apps-api', 'development', 'PORT'), '3000');
    assert.equal(show('--yes', 'apps-api', 'production', 'DB_URL'), 'prod');
    assert.equal(show('--yes', 'development', 'ROOT_ONLY'), 'root-value');
  });

  it('on a terminal, anything but y imports nothing', function () {
    if (!hasScript()) this.skip();
    const v = monorepo();
    kagiTty(['init', '--nested'], { ...v, input: 'n\n' });
    assert.deepEqual(config(v).services, {});
    assert.equal(kagi(['get', '--yes', 'development', 'ROOT_ONLY'], v).code, 1);
  });
});
