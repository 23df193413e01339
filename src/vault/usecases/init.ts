import * as fs from 'node:fs';
import { KagiError } from '../errors';
import { ensurePrivateDir, writeFileAtomic } from '../disk/files';
import { defaultMemberName, signingKeyPath, type HostEnv } from '../device/dataDir';
import { newProjectKey } from '../crypto/seal';
import { loadOrCreateIdentity } from '../device/identity';
import { newMemberId, newProjectId, newSigningKey } from '../crypto/ids';
import { wrapProjectKey } from '../crypto/wrap';
import { Project, KAGI_DIR } from '../project/project';
import { serializeProjectConfig, type ProjectConfig } from '../format/projectConfig';
import type { Member } from '../format/access';
import { validateName } from '../scopes/names';
import * as path from 'node:path';
import { refreshKeyCache } from '../device/projectKey';
import { gitignoreToUpdate } from '../git/ignore';

export interface InitOptions {
  /** configured environments; `development` is prepended when missing (as Rust does) */
  envs?: string[];
  nested?: boolean | string[];
  /** the owner's member name; defaults to $USER */
  name?: string;
  /** replace an existing vault */
  force?: boolean;
}

export interface InitResult {
  project: Project;
  owner: Member;
}

export function initialEnvs(requested: string[] | undefined): string[] {
  if (requested === undefined) return ['development'];
  const envs = requested.map((e) => e.trim()).filter((e) => e !== '');
  envs.forEach((e) => validateName(e, 'environment'));
  const unique = [...new Set(envs)];
  return unique.includes('development') ? unique : ['development', ...unique];
}

/** Creates `.kagi/` with this device as its only owner. No stores are written yet. */
export async function initProject(root: string, host: HostEnv, opts: InitOptions = {}): Promise<InitResult> {
  const kagiDir = path.join(root, KAGI_DIR);
  // Refused before anything is created: `init` later rewrites it (updateGitignore).
  gitignoreToUpdate(root);
  if (fs.lstatSync(kagiDir, { throwIfNoEntry: false })) {
    if (!opts.force) {
      throw new KagiError(
        'already-initialized',
        `${kagiDir} already exists`,
        'use --force to replace it (this deletes every secret in it)',
      );
    }
    fs.rmSync(kagiDir, { recursive: true, force: true });
  }
  const project = Project.unopened(root, host);
  const envs = initialEnvs(opts.envs);
  const identity = await loadOrCreateIdentity(project.dataDir);
  const projectKey = newProjectKey();
  const memberId = newMemberId();
  const signing = newSigningKey();
  writeFileAtomic(signingKeyPath(project.dataDir, memberId), signing.seedBase64);

  const cfg: ProjectConfig = {
    version: '2',
    projectId: newProjectId(),
    services: {},
    extra: {},
    settings: { nested: opts.nested ?? false, envs, defaultEnv: 'development', extra: {} },
  };
  const owner: Member = {
    memberId,
    name: opts.name?.trim() || defaultMemberName(host),
    recipient: identity.recipient,
    role: 'owner',
    status: 'active',
    wrappedKey: await wrapProjectKey(projectKey, identity.recipient),
    signingPublicKey: signing.publicKeyBase64,
    extra: {},
  };
  ensurePrivateDir(path.join(kagiDir, 'secrets'));
  // A new vault: nothing to re-read or order against, kagi.json goes first so access.json's
  // writer (which reads the project id) finds it.
  writeFileAtomic(project.file('kagi.json'), serializeProjectConfig(cfg));
  project.writeAccess({ version: '2', members: [owner], extra: {} });
  refreshKeyCache(project.dataDir, cfg.projectId, projectKey);
  return { project, owner };
}
