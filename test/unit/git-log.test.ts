import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt } from './cli-harness';
import { addMember, CANARY, commitAll, filesContain, newRepo, type Repo } from './git-harness';
import { tempDir } from './helpers';

function setStdin(repo: Repo, scope: string[], key: string, value: string): void {
  repo.kagiOk(['set', ...scope, key, '--stdin'], { input: value });
}

/** Three commits on api/development and one on web/development. */
function history(): Repo {
  const repo = newRepo();
  setStdin(repo, ['api'], 'A', `${CANARY}-1`);
  setStdin(repo, ['api'], 'B', `${CANARY}-2`);
  commitAll(repo, 'add A and B');
  setStdin(repo, ['api'], 'A', `${CANARY}-3`);
  setStdin(repo, ['web'], 'W', `${CANARY}-4`);
  commitAll(repo, 'change A, add W');
  repo.kagiOk(['unset', 'api', 'B', '--yes']);
  commitAll(repo, 'remove B');
  return repo;
}

/** `kagi log` output as [subject, scope, change] triples, newest first. */
function parse(out: string): string[] {
  const rows: string[] = [];
  let subject = '';
  let scope = '';
  for (const line of out.split('\n')) {
    if (/^ {4}[+~-] /.test(line)) rows.push(`${subject} | ${scope} | ${line.trim()}`);
    else if (/^ {4}\S/.test(line)) subject = line.trim();
    else if (/^ {2}\S/.test(line)) scope = line.trim();
  }
  return rows;
}

describe('kagi log', function () {
  this.timeout(180_000);
  before(ensureCliBuilt);

  it('lists the commits that changed keys, newest first, with author and date, never a value', () => {
    const repo = history();
    const out = repo.kagiOk(['log']);
    assert.ok(!out.includes(CANARY));
    assert.deepEqual(parse(out), [
      'remove B | api/development | - B',
      'change A, add W | api/development | ~ A',
      'change A, add W | web/development | + W',
      'add A and B | api/development | + A',
      'add A and B | api/development | + B',
    ]);
    assert.match(out, /^[0-9a-f]{12} {2}\d{4}-\d\d-\d\dT\S+ {2}Alice Author$/m);
    // The second run reads names and fingerprints from the device's cache, and agrees.
    const cacheDir = path.join(repo.home, 'git-log');
    const files = fs.readdirSync(cacheDir).sort();
    assert.equal(files.length, 2);
    assert.match(files[0]!, /\.changes\.json$/);
    for (const f of files) assert.match(fs.readFileSync(path.join(cacheDir, f), 'utf8'), /"A"/);
    assert.equal(repo.kagiOk(['log']), out);
    // The changes file alone answers a repeated log; the revisions' digests are not needed.
    fs.writeFileSync(path.join(cacheDir, files[1]!), '{}');
    assert.equal(repo.kagiOk(['log']), out);
    assert.equal(fs.readFileSync(path.join(cacheDir, files[1]!), 'utf8'), '{}');
    assert.deepEqual(filesContain(repo.home, CANARY), []);
  });

  it('filters by service, scope and key', () => {
    const repo = history();
    assert.deepEqual(parse(repo.kagiOk(['log', 'web'])), ['change A, add W | web/development | + W']);
    assert.deepEqual(parse(repo.kagiOk(['log', 'api', 'development', 'A'])), [
      'change A, add W | api/development | ~ A',
      'add A and B | api/development | + A',
    ]);
  });

  it('a rotation alone is not a change; a removed device sees which revisions it cannot open', () => {
    const repo = history();
    const bob = addMember(repo, 'bob');
    commitAll(repo, 'bob joins');
    repo.kagiOk(['member', 'remove', bob.id, '--yes']);
    commitAll(repo, 'rotate');
    setStdin(repo, ['api'], 'A', `${CANARY}-5`);
    commitAll(repo, 'after rotation');
    const rows = parse(repo.kagiOk(['log', 'api']));
    assert.deepEqual(rows.slice(0, 2), ['after rotation | api/development | ~ A', 'remove B | api/development | - B']);
    const asBob = repo.kagiOk(['log', 'api'], { home: bob.home });
    assert.match(asBob, /after rotation\n {2}api\/development: \(this device cannot open this revision\)/);
    assert.match(asBob, /remove B\n {2}api\/development\n {4}- B/);
  });

  it('merges show what they brought; detached HEAD, sub-folder and shallow clones work', () => {
    const repo = history();
    repo.gitOk(['checkout', '-q', '-b', 'side', 'HEAD~1']);
    setStdin(repo, ['api'], 'S', `${CANARY}-s`);
    commitAll(repo, 'side');
    repo.gitOk(['checkout', '-q', 'main']);
    repo.kagiOk(['git', 'setup']);
    setStdin(repo, ['api'], 'M', `${CANARY}-m`);
    commitAll(repo, 'main');
    repo.gitOk(['merge', '-q', 'side', '-m', 'merge side']);
    assert.deepEqual(parse(repo.kagiOk(['log', '-n', '1'])), ['merge side | api/development | + S']);
    repo.gitOk(['checkout', '-q', '--detach', 'HEAD~1']);
    const sub = path.join(repo.dir, 'api');
    fs.mkdirSync(sub);
    assert.equal(parse(repo.kagiOk(['log'], { cwd: sub }))[0], 'main | api/development | + M');
    const clone = tempDir('kagi-shallow-');
    repo.gitOk(['clone', '-q', '--depth', '1', `file://${repo.dir}`, clone]);
    const shallow = repo.kagiOk(['log'], { cwd: clone });
    assert.match(shallow, /shallow clone: older history is not in this clone/);
    assert.deepEqual(filesContain(repo.home, CANARY), []);
  });
});
