import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostEnv } from '../../../src/vault/device/dataDir';
import { initProject } from '../../../src/vault/usecases/init';
import { approveMember, requestAccess } from '../../../src/vault/team/members';
import { Project } from '../../../src/vault/project/project';
import { resolveProjectKey } from '../../../src/vault/device/projectKey';
import { setSecrets } from '../../../src/vault/usecases/secrets';
import { device, tempDir } from '../helpers';
import { CANARY, type Template } from './corpus';
import { copyTree } from './support';

/**
 * A valid project: alice (owner, this device) and bob (approved member), scopes
 * api/development (holding the canary), api/production and the root development.
 */
export interface ValidProject extends Template {
  root: string;
  aliceHome: string;
  bobHome: string;
  alice: HostEnv;
  bob: HostEnv;
}

export async function buildValidProject(): Promise<ValidProject> {
  const root = tempDir('kagi-valid-');
  const alice = device('alice');
  const bob = device('bob');
  const { owner } = await initProject(root, alice, { envs: ['production'] });
  const bobEntry = await requestAccess(Project.open(root, bob), { name: 'bob' });
  const project = Project.open(root, alice);
  await approveMember(project, bobEntry.memberId);
  await setSecrets(project, 'api/development', [
    { key: 'CANARY_VALUE', value: CANARY, description: `desc ${CANARY}` },
    { key: 'PLAIN', value: 'plain value' },
  ]);
  await setSecrets(project, 'api/production', [{ key: 'P', value: `prod ${CANARY}` }]);
  await setSecrets(project, 'development', [{ key: 'R', value: 'root value' }]);
  const cfg = project.config();
  const { key } = await resolveProjectKey({
    env: alice.env,
    dataDir: project.dataDir,
    projectId: cfg.projectId,
    readAccess: () => project.access(),
  });
  return {
    root,
    alice,
    bob,
    aliceHome: alice.env.KAGI_HOME!,
    bobHome: bob.env.KAGI_HOME!,
    projectId: cfg.projectId,
    key,
    aliceId: owner.memberId,
    bobId: bobEntry.memberId,
    vault: readAll(path.join(root, '.kagi')),
    data: readAll(alice.env.KAGI_HOME!),
  };
}

function readAll(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p).split(path.sep).join('/')] = fs.readFileSync(p);
    }
  };
  walk(dir);
  return out;
}

/** A private copy of the project and of alice's device folder. */
export function copyProject(v: ValidProject): { root: string; home: string; host: HostEnv } {
  const root = copyTree(v.root, 'kagi-case-');
  const home = copyTree(v.aliceHome, 'kagi-case-home-');
  return { root, home, host: { env: { KAGI_HOME: home, USER: 'alice' } } };
}
