// The demo `npm start` opens (scripts/demo.mjs), generated for real with the CLI: `"kagi": true`
// must work in it (issue 18 #5), and the device identities stay out of the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Project } from '../../src/vault/project/project';
import { resolveProcessScope } from '../../src/vault/usecases/scope';
import { ensureCliBuilt } from './cli-harness';
import { tempDir } from './helpers';

describe('demo workspace (scripts/demo.mjs)', function () {
  this.timeout(120_000);
  let demo: { dir: string; kagiHome: string; bobHome: string };

  before(async () => {
    ensureCliBuilt();
    const root = tempDir('kagi-demo-');
    // A URL, not a literal path: TypeScript would want declarations for the plain .mjs script.
    const script = pathToFileURL(path.join(__dirname, '..', '..', 'scripts', 'demo.mjs')).href;
    const { generateDemo } = (await import(script)) as {
      generateDemo: (o: object) => typeof demo;
    };
    demo = generateDemo({ dir: path.join(root, 'demo'), identities: path.join(root, 'ids'), log: () => {} });
  });

  it('infers the service from the folder: api/ is api, web/ is web; the root asks', () => {
    const project = Project.open(demo.dir, { env: { ...process.env, KAGI_HOME: demo.kagiHome } });
    const at = (dir: string) => resolveProcessScope(project, {}, { activeEnv: 'staging', cwd: dir });
    assert.equal(at(path.join(demo.dir, 'api')), 'api/staging');
    assert.equal(at(path.join(demo.dir, 'web')), 'web/staging');
    assert.throws(() => at(demo.dir), /several services \(api, web\)/);
  });

  it('keeps the device identities outside the workspace', () => {
    for (const home of [demo.kagiHome, demo.bobHome]) {
      assert.ok(fs.readdirSync(home).length > 0, `${home} is empty`);
      assert.ok(path.relative(demo.dir, home).startsWith('..'), `${home} is inside the demo workspace`);
    }
    assert.deepEqual(
      fs.readdirSync(demo.dir).filter((n) => n.includes('kagi-home')),
      [],
      'an identity folder in the workspace',
    );
  });

  it('ships launch configurations of the "kagi" wrapper type naming existing configurations', () => {
    const launch = JSON.parse(fs.readFileSync(path.join(demo.dir, '.vscode', 'launch.json'), 'utf8'));
    const names = new Set(launch.configurations.map((c: { name: string }) => c.name));
    const wrappers = launch.configurations.filter((c: { type: string }) => c.type === 'kagi');
    assert.deepEqual(
      wrappers.map((c: { name: string }) => c.name),
      ['api with secrets', 'web with secrets'],
    );
    for (const w of wrappers) assert.ok(names.has(w.configuration), `${w.name} names a missing configuration`);
  });
});
