import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { HostEnv } from '../../src/vault/device/dataDir';
import { encodeArtifactIndex, sealArtifact, type ArtifactEntry } from '../../src/vault/project/artifacts';
import { writeFileAtomic } from '../../src/vault/disk/files';
import type { ProjectConfig } from '../../src/vault/format/projectConfig';
import { Project } from '../../src/vault/project/project';
import { initProject } from '../../src/vault/usecases/init';
import { setSecrets } from '../../src/vault/usecases/secrets';

const made: string[] = [];

/**
 * A fresh folder under the OS temp dir, removed when the process (the mocha run, the bench)
 * exits. A run makes ~1,500 of them, test identities among them. KAGI_KEEP_TEST_DIRS=1 keeps
 * them, to look at what a failing test left.
 */
export function tempDir(prefix = 'kagi-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (made.push(dir) === 1) process.once('exit', removeMade);
  return dir;
}

function removeMade(): void {
  if (process.env.KAGI_KEEP_TEST_DIRS === '1') return;
  for (const dir of made.splice(0)) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // A test left a folder in it read-only (root removes it anyway; other users cannot).
      try {
        makeWritable(dir);
        fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort: what this user cannot remove stays (a test's other-user file)
      }
    }
  }
}

/** Every folder under `dir` (links not followed) made writable by its owner again. */
function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o700);
  for (const e of fs.readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory()) makeWritable(path.join(dir, e.name));
}

/** A device: its own KAGI_HOME, no key variables leaking in from the test runner. */
export function device(name = 'alice'): HostEnv & { home: string } {
  const home = tempDir(`kagi-home-${name}-`);
  return { home, env: { KAGI_HOME: home, USER: name } };
}

export function sha256Tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** A `files/` artifact as the Rust CLI's `kagi file add` leaves it: an index and one blob. */
export const CERT_ID = 'kgf_AbCdEf-_12';
export const CERT = new Uint8Array(Buffer.from('-----BEGIN CERT-----\nnot really\n'));

export function writeCertArtifact(project: Project, cfg: ProjectConfig, key: Uint8Array): void {
  const entry: ArtifactEntry = {
    id: CERT_ID,
    scope: 'api/production',
    name: 'cert.pem',
    location: 'repo',
    restore_path: 'certs/cert.pem',
    size: CERT.length,
    sha256: createHash('sha256').update(CERT).digest('hex'),
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
  writeFileAtomic(
    project.file('files/index.enc'),
    sealArtifact(cfg, key, 'file-index', 'index', encodeArtifactIndex([entry])),
  );
  writeFileAtomic(project.file(`files/${CERT_ID}.enc`), sealArtifact(cfg, key, 'file', CERT_ID, CERT));
}

/**
 * alice's vault (envs development, production) with `value` in two scopes: api/production
 * DB_URL (described "primary database") and development ROOT_KEY (`value`-root).
 */
export async function twoScopeVault(value: string) {
  const root = tempDir();
  const alice = device('alice');
  await initProject(root, alice, { envs: ['production'] });
  const project = Project.open(root, alice);
  await setSecrets(project, 'api/production', [{ key: 'DB_URL', value, description: 'primary database' }]);
  await setSecrets(project, 'development', [{ key: 'ROOT_KEY', value: `${value}-root` }]);
  return { root, alice, project };
}

/** Records which scopes a listing decrypts (the real visitScopeKeys still runs). */
export function countReads(project: Project): string[] {
  const reads: string[] = [];
  const real = project.visitScopeKeys.bind(project);
  project.visitScopeKeys = (scope, key, sealed, visit) => {
    reads.push(scope);
    real(scope, key, sealed, visit);
  };
  return reads;
}
