// "Which scope?" for processes (tasks, launches, terminals), on real vaults: the one rule in
// src/vault/usecases/scope.ts that the extension asks.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  activeScopes,
  initProject,
  KagiError,
  preferredScope,
  resolveProcessScope,
  setSecrets,
  writableScopes,
  type Project,
} from '../../src/vault';
import { device, tempDir } from './helpers';

async function vaultWith(scopes: string[], opts: { nested?: boolean } = {}): Promise<Project> {
  const { project } = await initProject(tempDir('kagi-scope-'), device('alice'), {
    envs: ['development', 'production'],
    ...opts,
  });
  for (const scope of scopes) await setSecrets(project, scope, [{ key: 'K', value: 'v' }]);
  return project;
}

describe('scope: which scope a process request means', () => {
  let several: Project;
  before(async () => {
    // api/* and web/* (web/production is pre-created), and the root scope development
    several = await vaultWith(['api/development', 'api/production', 'web/development', 'development'], {
      nested: true,
    });
    fs.mkdirSync(path.join(several.root, 'web', 'src'), { recursive: true });
  });

  it('uses the explicit service and env', () => {
    assert.equal(
      resolveProcessScope(several, { service: 'api', env: 'production' }, { activeEnv: 'development' }),
      'api/production',
    );
  });

  it('defaults the env to the active one', () => {
    assert.equal(resolveProcessScope(several, { service: 'web' }, { activeEnv: 'development' }), 'web/development');
    assert.equal(resolveProcessScope(several, { service: 'api' }, { activeEnv: 'production' }), 'api/production');
  });

  it('infers the service from the folder the process runs in, else the root scope', () => {
    const cwd = path.join(several.root, 'web', 'src');
    assert.equal(resolveProcessScope(several, {}, { activeEnv: 'development', cwd }), 'web/development');
    assert.equal(resolveProcessScope(several, {}, { activeEnv: 'development' }), 'development');
    assert.equal(resolveProcessScope(several, { service: '' }, { activeEnv: 'development' }), 'development');
  });

  it("takes the vault's only service when nothing else says", async () => {
    const one = await vaultWith(['api/development']);
    assert.equal(resolveProcessScope(one, {}, { activeEnv: 'production' }), 'api/production');
  });

  it('asks for a service when several exist and no root scope does', () => {
    assert.throws(
      () => resolveProcessScope(several, { env: 'production' }, { activeEnv: 'development' }),
      (e: unknown) => e instanceof KagiError && /several services \(api, web\)/.test(e.message),
    );
  });

  it('names the missing scope and the existing ones', async () => {
    assert.throws(
      () => resolveProcessScope(several, { service: 'api', env: 'staging' }, { activeEnv: 'development' }),
      (e: unknown) =>
        e instanceof KagiError &&
        e.code === 'scope-not-found' &&
        /api\/staging/.test(e.message) &&
        /api\/production/.test(e.hint ?? ''),
    );
  });
});

describe('scope: what the editor offers', () => {
  let project: Project;
  before(async () => {
    project = await vaultWith(['api/development', 'development'], { nested: true });
    fs.mkdirSync(path.join(project.root, 'api'), { recursive: true });
  });

  it("prefers the document folder's service in the active env, else the root scope", () => {
    assert.equal(preferredScope(project, 'production', path.join(project.root, 'api')), 'api/production');
    assert.equal(preferredScope(project, 'development', project.root), 'development');
    assert.equal(preferredScope(project, 'development', undefined), 'development');
  });

  it('never prefers a scope that does not exist (Enter must not create one; issue 18)', () => {
    assert.ok(!project.scopes().includes('production'));
    assert.equal(preferredScope(project, 'production', project.root), 'api/production');
    assert.equal(preferredScope(project, 'production', undefined), 'api/production');
    for (const env of ['development', 'production', 'staging'])
      for (const dir of [undefined, project.root, path.join(project.root, 'api')])
        assert.ok(project.scopes().includes(preferredScope(project, env, dir)!), `${env} in ${dir}`);
  });

  it("completes a service folder's keys from its scope, and the root's from every scope of the env", () => {
    const scopes = project.scopes();
    assert.deepEqual(activeScopes(project, scopes, 'development', path.join(project.root, 'api')), ['api/development']);
    assert.deepEqual(activeScopes(project, scopes, 'development', project.root), ['development', 'api/development']);
  });

  it('offers every configured env of each service and of the root for writes', () => {
    assert.deepEqual(writableScopes(['api/development'], ['development', 'production']), [
      'api/development',
      'api/production',
      'development',
      'production',
    ]);
  });
});
