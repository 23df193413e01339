import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listVault } from '../../src/vault/usecases/listing';
import { addFile } from '../../src/vault/usecases/files';
import { buildTreeModel, walk } from '../../src/extension/treeModel';
import { parseFilesProperty } from '../../src/extension/launchConfig';
import { classify } from '../../src/extension/fileContent';
import { twoScopeVault } from './helpers';

// The editor's pure parts for file artifacts: tree nodes from a real vault listing (names and
// sizes only), the "files" property of launches / tasks / terminals, and what Open may show.

describe('editor: file artifacts', () => {
  it('lists files under their environment (a scope kagi.json lacks included), never their content', async () => {
    const { root, project } = await twoScopeVault('db-secret-value');
    const content = 'FILE-CONTENT-never-in-the-tree';
    fs.writeFileSync(path.join(root, 'sa.json'), content);
    fs.writeFileSync(path.join(root, 'key.pem'), 'k');
    await addFile(project, { scope: 'api/production', path: 'sa.json', cwd: root, alias: 'gcp' });
    await addFile(project, { scope: 'web/staging', path: 'key.pem', cwd: root });

    const listing = await listVault(project, { decrypt: true });
    assert.deepEqual(listing.files?.get('api/production'), [
      { name: 'gcp', locator: 'repo:sa.json', size: content.length },
    ]);
    const nodes = [...walk(buildTreeModel([{ folderName: 'x', listing, activeEnv: 'development' }]))];
    const env = nodes.find((n) => n.id.endsWith('#env:api/production'))!;
    assert.match(env.description!, /1 key · 1 file/);
    const file = nodes.find((n) => n.kind === 'file' && n.ref.scope === 'api/production')!;
    assert.deepEqual(
      [file.label, file.description, file.contextValue, file.ref.file],
      ['gcp', `${content.length} B · repo:sa.json`, 'kagi.file', 'repo:sa.json'],
    );
    const staging = nodes.find((n) => n.kind === 'file' && n.ref.scope === 'web/staging');
    assert.ok(staging, 'a file of a scope kagi.json does not list still shows, under its service and env');
    const texts = nodes.flatMap((n) => [n.label, n.description, n.tooltip, n.id]);
    assert.ok(!texts.some((t) => t?.includes(content)), 'file content reached the tree');
  });

  it('reads "files": an object of VARIABLE → file name, refusing anything else', () => {
    assert.equal(parseFilesProperty(undefined), undefined);
    assert.deepEqual(parseFilesProperty({ A: 'repo:a.json', B: 'b' }), { A: 'repo:a.json', B: 'b' });
    assert.throws(() => parseFilesProperty(['A=b']), /"files" must be an object/);
    assert.throws(() => parseFilesProperty({ A: 3 }), /"files\.A" must be a file name/);
    assert.throws(() => parseFilesProperty({ A: '' }), /"files\.A" must be a file name/);
  });

  it('shows text as text and binary as its type only', () => {
    assert.deepEqual(classify(Buffer.from('{"a":"é"}\n')), { text: '{"a":"é"}\n', type: 'text' });
    assert.deepEqual(classify(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2])), { type: 'PNG image' });
    assert.deepEqual(classify(Buffer.from([0x30, 0x82, 0x01, 0x00])), { type: 'DER / PKCS#12 (ASN.1) data' });
    assert.deepEqual(classify(Buffer.from('text\0with NUL')), { type: 'binary data' });
    assert.deepEqual(classify(Buffer.from([0xc3, 0x28])), { type: 'binary data' }, 'invalid UTF-8 is binary');
  });
});
