import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitIgnoreState } from '../../src/vault/git/ignore';
import { tempDir } from './helpers';

const hasGit = spawnSync('git', ['--version']).status === 0;

describe('git check-ignore for exported .env files', () => {
  it('tells ignored from not ignored in a repository', async function () {
    if (!hasGit) this.skip();
    const repo = tempDir();
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: repo }).status, 0);
    fs.writeFileSync(path.join(repo, '.gitignore'), '.env.*\n!.env.example\n');
    assert.equal(await gitIgnoreState(path.join(repo, '.env.production')), 'ignored');
    assert.equal(await gitIgnoreState(path.join(repo, '.env.example')), 'not-ignored');
    fs.mkdirSync(path.join(repo, 'svc'));
    assert.equal(await gitIgnoreState(path.join(repo, 'svc', 'secrets.txt')), 'not-ignored');
  });

  it('is unknown outside a repository', async function () {
    if (!hasGit) this.skip();
    const dir = tempDir();
    assert.equal(await gitIgnoreState(path.join(dir, '.env.production')), 'unknown');
  });
});
