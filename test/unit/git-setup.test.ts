import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, hasScript, kagiTty } from './cli-harness';
import { commitAll, newRepo, type Repo } from './git-harness';
import { attributeLines } from '../../src/vault/git/attributes';

const kagiConfig = (repo: Repo) =>
  repo
    .git(['config', '--local', '--get-regexp', '^(diff\\.kagi|merge\\.kagi-)'])
    .stdout.split('\n')
    .filter((l) => l !== '');

describe('kagi git setup', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);

  it('writes the attribute lines and the driver config once; a second run changes nothing', () => {
    const repo = newRepo();
    repo.write('.gitattributes', '*.png binary\n');
    assert.match(repo.kagiOk(['git', 'setup']), /added kagi lines/);
    const attrs = repo.read('.gitattributes');
    const config = kagiConfig(repo);
    assert.ok(attrs.startsWith('*.png binary\n'), 'existing lines are kept first');
    for (const l of attributeLines('.kagi')) assert.equal(attrs.split('\n').filter((x) => x === l).length, 1, l);
    assert.equal(config.length, 7);
    assert.match(repo.kagiOk(['git', 'setup']), /already has the kagi lines; 0 driver setting/);
    assert.equal(repo.read('.gitattributes'), attrs);
    assert.deepEqual(kagiConfig(repo), config);
    // Git itself routes the vault's files to the drivers.
    const check = repo.gitOk([
      'check-attr',
      'diff',
      'merge',
      '--',
      '.kagi/secrets/api/dev.enc',
      '.kagi/secrets/dev.enc',
      '.kagi/access.json',
    ]);
    assert.match(check, /^\.kagi\/secrets\/api\/dev\.enc: merge: kagi-store$/m);
    assert.match(check, /^\.kagi\/secrets\/dev\.enc: diff: kagi$/m);
    assert.match(check, /^\.kagi\/access\.json: merge: kagi-access$/m);
  });

  it('the drivers run from a plain shell through the launcher in the device folder, which names this CLI', () => {
    const repo = newRepo();
    repo.kagiOk(['git', 'setup']);
    const textconv = repo.gitOk(['config', '--get', 'diff.kagi.textconv']).trim();
    const launcher = path.join(repo.home, 'bin', 'kagi-git');
    assert.equal(textconv, `'${launcher}' git textconv`);
    assert.match(fs.readFileSync(launcher, 'utf8'), /dist\/cli\.js/);
    assert.ok((fs.statSync(launcher).mode & 0o111) !== 0, 'the launcher is executable');
  });

  it('with the CLI gone, the launcher still answers a textconv with one line and exit 0', () => {
    const repo = newRepo();
    repo.kagiOk(['git', 'setup']);
    const launcher = path.join(repo.home, 'bin', 'kagi-git');
    fs.writeFileSync(launcher, fs.readFileSync(launcher, 'utf8').replace(/^cli='.*'$/m, "cli='/nonexistent/cli.js'"));
    repo.kagiOk(['set', 'api', 'A', '1']);
    commitAll(repo, 'one');
    const r = repo.git(['show', '--textconv', 'HEAD:.kagi/secrets/api/development.enc']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# kagi: the kagi CLI \(\/nonexistent\/cli\.js\) is gone/);
  });

  it('--remove undoes both and keeps the lines that were not ours', () => {
    const repo = newRepo();
    repo.write('.gitattributes', '*.png binary\n');
    repo.kagiOk(['git', 'setup']);
    assert.match(repo.kagiOk(['git', 'setup', '--remove']), /removed kagi lines.*4 driver section/);
    assert.equal(repo.read('.gitattributes'), '*.png binary\n');
    assert.deepEqual(kagiConfig(repo), []);
    assert.match(repo.kagiOk(['git', 'setup', '--remove']), /no kagi lines.*0 driver section/);
  });

  it('a .gitattributes it created is deleted by --remove', () => {
    const repo = newRepo();
    repo.kagiOk(['git', 'setup']);
    repo.kagiOk(['git', 'setup', '--remove']);
    assert.equal(fs.existsSync(path.join(repo.dir, '.gitattributes')), false);
  });

  it('a vault in a sub-folder gets lines with its path; setup outside Git is a clear error', () => {
    const repo = newRepo({ vault: false });
    const sub = path.join(repo.dir, 'apps', 'web');
    fs.mkdirSync(sub, { recursive: true });
    repo.kagiOk(['init'], { cwd: sub });
    repo.kagiOk(['git', 'setup'], { cwd: sub });
    assert.ok(repo.read('.gitattributes').includes('apps/web/.kagi/secrets/**/*.enc diff=kagi merge=kagi-store'));
    const outside = newRepo({ vault: false });
    fs.rmSync(path.join(outside.dir, '.git'), { recursive: true });
    outside.kagiOk(['init']);
    const r = outside.kagi(['git', 'setup']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not inside a Git repository/);
  });
});

describe('the attribute lines without a configured driver (a teammate on the Rust CLI)', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);

  /** The same history in two repositories, one with our attribute lines and no driver config. */
  function twin(withAttributes: boolean): Repo {
    const repo = newRepo({ vault: false });
    if (withAttributes) repo.write('.gitattributes', attributeLines('.kagi').join('\n') + '\n');
    repo.write('.kagi/kagi.json', '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}\n');
    repo.write('.kagi/secrets/api/dev.enc', '{\n  "nonce": "AAAA",\n  "ciphertext": "BBBB",\n  "tag": "CCCC"\n}\n');
    commitAll(repo, 'base');
    repo.gitOk(['checkout', '-q', '-b', 'side']);
    repo.write('.kagi/kagi.json', '{\n  "a": 10,\n  "b": 2,\n  "c": 3\n}\n');
    repo.write('.kagi/secrets/api/dev.enc', '{\n  "nonce": "AAA1",\n  "ciphertext": "BBBB",\n  "tag": "CCC1"\n}\n');
    commitAll(repo, 'side');
    repo.gitOk(['checkout', '-q', 'main']);
    repo.write('.kagi/kagi.json', '{\n  "a": 1,\n  "b": 2,\n  "c": 30\n}\n');
    repo.write('.kagi/secrets/api/dev.enc', '{\n  "nonce": "AAA2",\n  "ciphertext": "BBBB",\n  "tag": "CCC2"\n}\n');
    commitAll(repo, 'main');
    return repo;
  }

  it('git diff, log -p and merge behave exactly as without the lines', () => {
    const [plain, attributed] = [twin(false), twin(true)];
    for (const args of [
      ['diff', 'HEAD~1', 'HEAD', '--', '.kagi'],
      ['log', '-p', '--format=%s', '--', '.kagi'],
    ]) {
      const a = plain.git(args);
      const b = attributed.git(args);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(
        b.stdout.replace(/index [0-9a-f]+\.\.[0-9a-f]+/g, ''),
        a.stdout.replace(/index [0-9a-f]+\.\.[0-9a-f]+/g, ''),
      );
    }
    const ma = plain.git(['merge', 'side', '-m', 'm']);
    const mb = attributed.git(['merge', 'side', '-m', 'm']);
    assert.equal(mb.code, ma.code, mb.stderr + mb.stdout);
    assert.notEqual(mb.code, 0, 'the ciphertext lines conflict in both, as Git does without Kagi');
    assert.equal(attributed.read('.kagi/kagi.json'), plain.read('.kagi/kagi.json'));
    assert.equal(attributed.read('.kagi/kagi.json'), '{\n  "a": 10,\n  "b": 2,\n  "c": 30\n}\n');
    assert.equal(attributed.read('.kagi/secrets/api/dev.enc'), plain.read('.kagi/secrets/api/dev.enc'));
    assert.match(attributed.read('.kagi/secrets/api/dev.enc'), /^<<<<<<< /m);
  });
});

describe('kagi init in a Git repository', function () {
  this.timeout(60_000);
  before(ensureCliBuilt);

  it('offers the Git integration, and changes no Git config by itself', () => {
    const repo = newRepo({ vault: false });
    assert.match(repo.kagiOk(['init']), /^git: run `kagi git setup` for readable diffs/m);
    assert.deepEqual(kagiConfig(repo), []);
    const outside = newRepo({ vault: false });
    fs.rmSync(path.join(outside.dir, '.git'), { recursive: true });
    assert.doesNotMatch(outside.kagiOk(['init']), /kagi git setup/);
  });

  it('on a terminal it asks; y sets up the attribute lines and the drivers, anything else changes nothing', function () {
    assert.ok(hasScript(), 'util-linux script(1) is needed to give kagi a terminal');
    const yes = newRepo({ vault: false });
    const r = kagiTty(['init'], { cwd: yes.dir, home: yes.home, input: 'y\n' });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Set up Git integration .*\[y\/N\]/);
    assert.match(r.stdout, /added kagi lines to .*\.gitattributes/);
    assert.equal(kagiConfig(yes).length, 7);
    for (const line of attributeLines('.kagi')) assert.ok(yes.read('.gitattributes').includes(line), line);
    // Set up already: a second vault's init in the same clone would ask only for its own lines.
    const no = newRepo({ vault: false });
    const n = kagiTty(['init'], { cwd: no.dir, home: no.home, input: 'n\n' });
    assert.equal(n.code, 0, n.stdout);
    assert.match(n.stdout, /^git: run `kagi git setup`/m);
    assert.deepEqual(kagiConfig(no), []);
    assert.ok(!fs.existsSync(path.join(no.dir, '.gitattributes')));
  });
});
