import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { initProject } from '../../src/vault/usecases/init';
import type { Project } from '../../src/vault/project/project';
import {
  encodeArtifactIndex,
  openArtifact,
  readArtifact,
  readArtifactIndex,
  resealArtifacts,
  sealArtifact,
  type ArtifactEntry,
} from '../../src/vault/project/artifacts';
import { artifactAad } from '../../src/vault/crypto/seal';
import { writeFileAtomic } from '../../src/vault/disk/files';
import { newProjectKey } from '../../src/vault/crypto/seal';
import type { ProjectConfig } from '../../src/vault/format/projectConfig';
import { device, tempDir } from './helpers';

const code = (c: string, re?: RegExp) => (e: Error & { code?: string }) => e.code === c && (!re || re.test(e.message));
const ID = 'kgf_0123456789';
const BYTES = Uint8Array.from([0, 1, 2, 255, 10, 13]);

function entry(id: string, extra: Record<string, unknown> = {}): ArtifactEntry {
  return {
    id,
    scope: 'api/development',
    name: `${id}.bin`,
    location: 'repo',
    restore_path: `bin/${id}`,
    size: BYTES.length,
    sha256: 'ab'.repeat(32),
    created_at: '2026-01-02T03:04:05Z',
    updated_at: '2026-01-02T03:04:05Z',
    ...extra,
  };
}

async function withArtifacts(indexEntries: unknown[] = [entry(ID)]) {
  const { project } = await initProject(tempDir(), device('alice'));
  const cfg = project.config();
  const { key } = await project.key(cfg);
  const write = (rel: string, text: string) => writeFileAtomic(project.file(rel), text);
  write(
    'files/index.enc',
    sealArtifact(cfg, key, 'file-index', 'index', encodeArtifactIndex(indexEntries as ArtifactEntry[])),
  );
  write(`files/${ID}.enc`, sealArtifact(cfg, key, 'file', ID, BYTES));
  return { project, cfg, key, write };
}

const edit = (p: Project, rel: string, f: (j: Record<string, unknown>) => void) => {
  const j = JSON.parse(fs.readFileSync(p.file(rel), 'utf8'));
  f(j);
  fs.writeFileSync(p.file(rel), JSON.stringify(j, null, 2));
};

describe('file artifacts (docs/format.md §4)', () => {
  it('a project without files/ has no index', async () => {
    const { project } = await initProject(tempDir(), device('alice'));
    const cfg = project.config();
    const { key } = await project.key(cfg);
    assert.equal(readArtifactIndex(project, cfg, key), undefined);
    assert.deepEqual(resealArtifacts(project, cfg, key, newProjectKey()), {});
  });

  it('writes Rust field order with kind and the project-bound AAD, and reads back index and blob', async () => {
    const { project, cfg, key } = await withArtifacts([entry(ID, { alias: 'cert', future: [1] })]);
    const env = JSON.parse(fs.readFileSync(project.file(`files/${ID}.enc`), 'utf8'));
    assert.deepEqual(Object.keys(env), ['version', 'algorithm', 'kind', 'nonce', 'ciphertext', 'aad', 'tag']);
    assert.deepEqual([env.version, env.kind], [1, 'file']);
    assert.equal(Buffer.from(env.aad, 'base64').toString(), `kagi:v1:XCHACHA20-POLY1305:file:${cfg.projectId}:${ID}`);
    assert.equal(JSON.parse(fs.readFileSync(project.file('files/index.enc'), 'utf8')).kind, 'file-index');
    const index = readArtifactIndex(project, cfg, key)!;
    assert.deepEqual(index, [entry(ID, { alias: 'cert', future: [1] })]);
    assert.deepEqual(readArtifact(project, cfg, key, ID), BYTES);
  });

  it('defaults a missing location to repo (older Rust writers)', async () => {
    const { location: _l, ...old } = entry(ID);
    const { project, cfg, key } = await withArtifacts([old]);
    assert.equal(readArtifactIndex(project, cfg, key)![0]!.location, 'repo');
  });

  it('checks version 1, the kind and the stored aad, as Rust does', async () => {
    const { project, cfg, key } = await withArtifacts();
    const rel = `files/${ID}.enc`;
    const good = fs.readFileSync(project.file(rel), 'utf8');
    edit(project, rel, (j) => {
      j.version = 2;
    });
    assert.throws(() => readArtifact(project, cfg, key, ID), code('bad-store', /version/));
    fs.writeFileSync(project.file(rel), good);
    edit(project, rel, (j) => {
      j.kind = 'file-index';
    });
    assert.throws(() => readArtifact(project, cfg, key, ID), code('bad-store', /kind mismatch/));
    fs.writeFileSync(project.file(rel), good);
    edit(project, rel, (j) => {
      j.aad = Buffer.from(artifactAad('file', 'kgp_otherproject', ID)).toString('base64');
    });
    assert.throws(() => readArtifact(project, cfg, key, ID), code('bad-store', /aad mismatch/));
    fs.writeFileSync(project.file(rel), good);
    assert.deepEqual(readArtifact(project, cfg, key, ID), BYTES);
  });

  it('a blob renamed to another id or opened in another project fails', async () => {
    const { project, cfg, key } = await withArtifacts();
    fs.copyFileSync(project.file(`files/${ID}.enc`), project.file('files/kgf_9999999999.enc'));
    assert.throws(() => readArtifact(project, cfg, key, 'kgf_9999999999'), code('bad-store', /aad mismatch/));
    const text = fs.readFileSync(project.file(`files/${ID}.enc`), 'utf8');
    const other: ProjectConfig = { ...cfg, projectId: 'kgp_otherproject' };
    assert.throws(() => openArtifact(other, key, 'file', ID, text, 'x'), code('bad-store', /aad mismatch/));
    assert.throws(() => openArtifact(cfg, newProjectKey(), 'file', ID, text, 'x'), code('auth-failed'));
  });

  it('refuses ids that could leave files/ and reports a missing index', async () => {
    const { project, cfg, key } = await withArtifacts();
    assert.throws(() => readArtifact(project, cfg, key, '../kagi'), code('bad-name'));
    assert.throws(() => readArtifact(project, cfg, key, 'kgf_missing000'), code('key-not-found'));
    fs.rmSync(project.file('files/index.enc'));
    assert.throws(() => readArtifactIndex(project, cfg, key), code('bad-store', /index\.enc.*missing/));
  });

  it('rejects an index whose plaintext is not version 1 with valid entries', async () => {
    const { project, cfg, key, write } = await withArtifacts();
    write('files/index.enc', sealArtifact(cfg, key, 'file-index', 'index', Buffer.from('{"version":2,"files":[]}')));
    assert.throws(() => readArtifactIndex(project, cfg, key), code('bad-store', /version/));
    write(
      'files/index.enc',
      sealArtifact(cfg, key, 'file-index', 'index', encodeArtifactIndex([{ ...entry(ID), id: '../x' }])),
    );
    assert.throws(() => readArtifactIndex(project, cfg, key), code('bad-store', /invalid id/));
  });

  it('reseal re-encrypts the index and every blob (indexed or not) under the new key, byte-exact plaintext', async () => {
    const { project, cfg, key, write } = await withArtifacts();
    write('files/kgf_orphan0000.enc', sealArtifact(cfg, key, 'file', 'kgf_orphan0000', BYTES));
    write('files/notes.txt', 'ignored');
    const before = fs.readFileSync(project.file('files/index.enc'), 'utf8');
    const newKey = newProjectKey();
    const out = resealArtifacts(project, cfg, key, newKey);
    assert.deepEqual(Object.keys(out).sort(), ['files/index.enc', `files/${ID}.enc`, 'files/kgf_orphan0000.enc']);
    assert.equal(fs.readFileSync(project.file('files/index.enc'), 'utf8'), before, 'reseal writes nothing itself');
    assert.deepEqual(openArtifact(cfg, newKey, 'file', 'kgf_orphan0000', out['files/kgf_orphan0000.enc']!, 'x'), BYTES);
    const oldIndex = openArtifact(cfg, key, 'file-index', 'index', before, 'x');
    assert.deepEqual(openArtifact(cfg, newKey, 'file-index', 'index', out['files/index.enc']!, 'x'), oldIndex);
    assert.throws(() => openArtifact(cfg, key, 'file', ID, out[`files/${ID}.enc`]!, 'x'), code('auth-failed'));
  });
});
