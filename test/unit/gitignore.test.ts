import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { updateGitignore } from '../../src/vault/git/ignore';
import { gitIgnorePlaintext } from '../../src/vault';
import { tempDir } from './helpers';

function gitInit(dir: string): string {
  execFileSync('git', ['init', '-q', dir]);
  return dir;
}

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

describe('.gitignore (docs/format.md §9.5)', () => {
  it('no Git root: nothing is written', () => {
    const root = tempDir();
    assert.equal(updateGitignore(root), undefined);
    assert.ok(!fs.existsSync(path.join(root, '.gitignore')));
  });

  it('no .gitignore: creates exactly the three lines, keeping the repo folder mode', () => {
    const root = gitInit(tempDir());
    fs.chmodSync(root, 0o755);
    const file = updateGitignore(root)!;
    assert.equal(file, path.join(root, '.gitignore'));
    assert.equal(read(file), '.env\n.env.*\n!.env.example\n');
    assert.equal(fs.statSync(root).mode & 0o777, 0o755);
    assert.notEqual(fs.statSync(file).mode & 0o077, 0); // readable by others like any committed file (umask permitting)
  });

  it('existing file: keeps its lines, CRLF becomes LF, appends only what is missing', () => {
    const root = gitInit(tempDir());
    fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\r\n  .env  \r\n# .kagi/\r\n!.kagi\r\ndist');
    fs.chmodSync(path.join(root, '.gitignore'), 0o644);
    updateGitignore(root);
    assert.equal(
      read(path.join(root, '.gitignore')),
      'node_modules\n  .env  \n# .kagi/\n!.kagi\ndist\n.env.*\n!.env.example\n',
    );
    assert.equal(fs.statSync(path.join(root, '.gitignore')).mode & 0o777, 0o644);
  });

  it('drops lines that ignore the vault, also prefixed by the project path; idempotent', () => {
    const repo = gitInit(tempDir());
    const project = path.join(repo, 'tests');
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(repo, '.gitignore'),
      ['.kagi/', '/.kagi', '.kagi/**', '/tests/.kagi/', 'tests/.kagi/*', 'other/.kagi/', '.kagi-backup', '.env'].join(
        '\n',
      ) + '\n',
    );
    assert.equal(updateGitignore(project), path.join(repo, '.gitignore'));
    const once = read(path.join(repo, '.gitignore'));
    assert.equal(once, 'other/.kagi/\n.kagi-backup\n.env\n.env.*\n!.env.example\n');
    updateGitignore(project);
    assert.equal(read(path.join(repo, '.gitignore')), once);
    // and git agrees the vault is no longer ignored
    fs.mkdirSync(path.join(project, '.kagi'));
    fs.writeFileSync(path.join(project, '.kagi', 'kagi.json'), '{}');
    fs.writeFileSync(path.join(project, '.env'), 'A=1');
    const ignored = execFileSync('git', ['-C', repo, 'status', '--porcelain', '--ignored', '-uall'], {
      encoding: 'utf8',
    });
    assert.match(ignored, /^\?\? tests\/\.kagi\/kagi\.json$/m);
    assert.match(ignored, /^!! tests\/\.env$/m);
  });

  it('a worktree-style .git file counts as a Git root', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, '.git'), 'gitdir: /somewhere/else\n');
    assert.equal(updateGitignore(path.join(root)), path.join(root, '.gitignore'));
    const notGit = tempDir();
    fs.mkdirSync(path.join(notGit, '.git')); // no HEAD: not a repository
    assert.equal(updateGitignore(notGit), undefined);
  });
});

describe('.gitignore: ignoring a plaintext file (the editor’s "add to .gitignore")', () => {
  it('adds one anchored line, once, after the existing text (a missing final newline added)', () => {
    const root = gitInit(tempDir());
    fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules');
    fs.mkdirSync(path.join(root, 'conf'));
    const plain = path.join(root, 'conf', 'secret.json');
    fs.writeFileSync(plain, '{}');
    assert.equal(gitIgnorePlaintext(plain), path.join(root, '.gitignore'));
    gitIgnorePlaintext(plain);
    assert.equal(read(path.join(root, '.gitignore')), 'node_modules\n/conf/secret.json\n');
  });

  it('a committed .gitignore that is a link is refused: neither the link nor its target changes', () => {
    const root = gitInit(tempDir());
    const target = path.join(tempDir(), 'elsewhere');
    fs.writeFileSync(target, 'SECRET=outside\n');
    fs.symlinkSync(target, path.join(root, '.gitignore'));
    const plain = path.join(root, 'secret.txt');
    fs.writeFileSync(plain, 'x');
    assert.throws(() => gitIgnorePlaintext(plain), /not a regular file|link/i);
    assert.equal(read(target), 'SECRET=outside\n');
    assert.ok(fs.lstatSync(path.join(root, '.gitignore')).isSymbolicLink());
  });
});
