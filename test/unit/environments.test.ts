import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addEnv, removeEnv, removeScope, renameEnv } from '../../src/vault/usecases/environments';
import { initProject } from '../../src/vault/usecases/init';
import { Project } from '../../src/vault/project/project';
import { readScopes, setSecrets } from '../../src/vault/usecases/secrets';
import { device, sha256Tree, tempDir } from './helpers';

async function project(envs: string[]): Promise<Project> {
  const root = tempDir();
  const alice = device('alice');
  await initProject(root, alice, { envs });
  return Project.open(root, alice);
}

function aadOf(p: Project, scope: string): string {
  const env = JSON.parse(fs.readFileSync(p.file(`secrets/${scope}.enc`), 'utf8'));
  return Buffer.from(env.aad, 'base64').toString('utf8');
}

function codeIs(code: string) {
  return (e: unknown) => (e as { code?: string }).code === code;
}

describe('environments (docs/format.md §8.4)', () => {
  it('rename api/staging → api/qa: re-encrypted under the new AAD, old file gone', async () => {
    const p = await project(['staging']);
    await setSecrets(p, 'api/staging', [{ key: 'K', value: 'v1', description: 'd' }]);
    await setSecrets(p, 'staging', [{ key: 'R', value: 'root' }]);
    await setSecrets(p, 'web/development', [{ key: 'W', value: 'w' }]);
    const moves = await renameEnv(p, 'staging', 'qa');
    assert.deepEqual(moves, [
      { from: 'api/staging', to: 'api/qa' },
      { from: 'staging', to: 'qa' },
      { from: 'web/staging', to: 'web/qa' },
    ]);
    assert.ok(!fs.existsSync(p.file('secrets/api/staging.enc')));
    assert.ok(!fs.existsSync(p.file('secrets/staging.enc')));
    assert.equal(aadOf(p, 'api/qa'), 'kagi:v1:XCHACHA20-POLY1305:api/qa');
    const cfg = p.config();
    assert.deepEqual(cfg.settings.envs, ['development', 'qa']);
    assert.deepEqual(p.scopes(), ['api/development', 'api/qa', 'qa', 'web/development', 'web/qa']);
    const all = await readScopes(p);
    assert.equal(all.get('api/qa')!.secrets.get('K')!.value, 'v1');
    assert.equal(all.get('api/qa')!.secrets.get('K')!.description, 'd');
    assert.equal(all.get('api/qa')!.name, 'api/qa');
    assert.equal(all.get('qa')!.secrets.get('R')!.value, 'root');
  });

  it('rename of the default env makes default_env follow', async () => {
    const p = await project([]);
    await setSecrets(p, 'api/development', [{ key: 'K', value: 'v' }]);
    await renameEnv(p, 'development', 'dev');
    assert.equal(p.config().settings.defaultEnv, 'dev');
    assert.deepEqual(p.config().settings.envs, ['dev']);
    assert.deepEqual(p.scopes(), ['api/dev']);
  });

  it('rename refuses collisions and unknown envs, writing nothing', async () => {
    const p = await project(['staging', 'production']);
    await setSecrets(p, 'api/staging', [{ key: 'K', value: 'v' }]);
    await setSecrets(p, 'api/qa', [{ key: 'Q', value: 'q' }]); // qa exists as a scope, not configured
    const before = sha256Tree(p.kagiDir);
    await assert.rejects(renameEnv(p, 'staging', 'production'), codeIs('conflict'));
    await assert.rejects(
      renameEnv(p, 'staging', 'qa'),
      (e: Error & { code?: string }) => e.code === 'conflict' && /api\/qa/.test(e.message),
    );
    await assert.rejects(renameEnv(p, 'nope', 'x'), codeIs('usage'));
    await assert.rejects(renameEnv(p, 'staging', 'a/b'), codeIs('bad-name'));
    assert.deepEqual(sha256Tree(p.kagiDir), before);
  });

  it('remove refuses the default env and unconfigured envs', async () => {
    const p = await project(['production']);
    await setSecrets(p, 'api/production', [{ key: 'K', value: 'v' }]);
    const before = sha256Tree(p.kagiDir);
    await assert.rejects(removeEnv(p, 'development'), codeIs('conflict'));
    await assert.rejects(removeEnv(p, 'staging'), codeIs('usage'));
    assert.deepEqual(sha256Tree(p.kagiDir), before);
  });

  it('remove deletes every */E and root E from config and disk', async () => {
    const p = await project(['production']);
    await setSecrets(p, 'api/production', [{ key: 'K', value: 'v' }]);
    await setSecrets(p, 'web/production', [{ key: 'K', value: 'v' }]);
    await setSecrets(p, 'production', [{ key: 'K', value: 'v' }]);
    const removed = await removeEnv(p, 'production');
    assert.deepEqual(removed, ['api/production', 'production', 'web/production']);
    assert.deepEqual(p.scopes(), ['api/development', 'web/development']);
    assert.deepEqual(p.config().settings.envs, ['development']);
    for (const s of removed) assert.ok(!fs.existsSync(p.file(`secrets/${s}.enc`)), s);
    assert.deepEqual(fs.readdirSync(p.file('secrets')).sort(), ['api', 'web']);
  });

  it('add refuses a service name and creates empty stores for every service', async () => {
    const p = await project([]);
    await setSecrets(p, 'api/development', [{ key: 'K', value: 'v' }]);
    await setSecrets(p, 'web/development', [{ key: 'K', value: 'v' }]);
    await assert.rejects(addEnv(p, 'api'), codeIs('conflict'));
    await assert.rejects(addEnv(p, '..'), codeIs('bad-name'));
    assert.deepEqual(await addEnv(p, 'staging'), ['api/staging', 'web/staging']);
    assert.deepEqual(p.config().settings.envs, ['development', 'staging']);
    const all = await readScopes(p);
    assert.equal(all.get('api/staging')!.secrets.size, 0);
    assert.equal(all.get('web/staging')!.name, 'web/staging');
    assert.ok(fs.existsSync(path.join(p.kagiDir, 'secrets', 'web', 'staging.enc')));
    assert.deepEqual(await addEnv(p, 'staging'), []); // idempotent
    assert.deepEqual(p.config().settings.envs, ['development', 'staging']);
  });

  it('removeScope: an empty scope goes (file and kagi.json entry); one with secrets only with force', async () => {
    const p = await project(['staging']);
    await setSecrets(p, 'staging', [{ key: 'R', value: 'root' }]);
    await setSecrets(p, 'api/staging', [{ key: 'K', value: 'v' }]);
    await assert.rejects(removeScope(p, 'staging'), codeIs('conflict'));
    assert.ok(p.scopes().includes('staging'));
    assert.equal(await removeScope(p, 'staging', { force: true }), 1);
    assert.ok(!p.scopes().includes('staging'));
    assert.ok(!fs.existsSync(p.file('secrets/staging.enc')));
    assert.ok(p.scopes().includes('api/development'));
    assert.equal(await removeScope(p, 'api/development'), 0);
    assert.ok(!fs.existsSync(p.file('secrets/api/development.enc')));
    assert.deepEqual([...(await readScopes(p)).keys()].sort(), ['api/staging']);
    assert.deepEqual(p.config().settings.envs, ['development', 'staging'], 'the env stays configured');
    await assert.rejects(removeScope(p, 'api/nope'), codeIs('scope-not-found'));
  });
});
