import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The repository carries its own account of the on-disk format (docs/format.md) and
 * cites nothing outside itself: a reader who clones it must be able to follow every
 * reference. The forbidden patterns are assembled from pieces so this file does not
 * match them itself.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const FORMAT_DOC = 'docs/format.md';
const SCANNED = ['src', 'test', 'docs', 'README.md', 'CHANGELOG.md', 'scripts', 'bench'];

const FORBIDDEN: { what: string; pattern: RegExp }[] = [
  { what: 'the team spec outside the repository', pattern: new RegExp('kagi-store-' + 'format\\.md') },
  { what: 'a path into ../shared', pattern: new RegExp('\\.\\./' + 'sha' + 'red/') },
  // Absolute only: a relative path ending in a folder named work is fine; one starting at the root is not.
  { what: 'an absolute /work path', pattern: new RegExp('(^|[^\\w.~-])/' + 'work/', 'm') },
  { what: 'a numbered citation of an outside spec', pattern: new RegExp('\\bspec ' + '§\\d') },
];

/** Section numbers cited as `format.md §8.6`, including lists such as `format.md §9.4, §8.5`. */
function citedSections(text: string): string[] {
  const out: string[] = [];
  const citation = /format\.md\)?\s+(§\d+(?:\.\d+)*(?:\s*(?:,|and|–|-)\s*§\d+(?:\.\d+)*)*)/g;
  for (const m of text.matchAll(citation)) {
    for (const n of m[1]!.matchAll(/§(\d+(?:\.\d+)*)/g)) out.push(n[1]!);
  }
  return out;
}

/** Section numbers that are headings of docs/format.md (`## §8 …`, `### §8.6 …`). */
function headingSections(markdown: string): string[] {
  return [...markdown.matchAll(/^#{2,6} §(\d+(?:\.\d+)*)\s/gm)].map((m) => m[1]!);
}

function forbiddenMentions(text: string): string[] {
  return FORBIDDEN.filter((f) => f.pattern.test(text)).map((f) => f.what);
}

/** Tracked files plus new ones Git does not ignore, so a file not yet added is checked too. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...SCANNED], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return [...new Set(out.split('\0').filter((f) => f !== ''))];
}

/** Text content, or undefined for binary files (images) and files deleted in the work tree. */
function readText(rel: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(ROOT, rel));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

describe('docs citations (docs/format.md is self-contained)', () => {
  const files = repositoryFiles();
  const texts = new Map<string, string>();
  for (const f of files) {
    const text = readText(f);
    if (text !== undefined) texts.set(f, text);
  }

  it('scans the source, tests and docs, the format page included', () => {
    for (const f of [FORMAT_DOC, 'README.md', 'src/vault/index.ts', 'test/unit/docs-citations.test.ts']) {
      assert.ok(texts.has(f), `${f} is not among the scanned files`);
    }
  });

  it('no file mentions the outside spec, ../shared or an absolute /work path', () => {
    const offenders = [...texts].flatMap(([f, text]) => forbiddenMentions(text).map((what) => `${f}: ${what}`));
    assert.deepEqual(offenders, []);
  });

  it('docs/format.md numbers its sections uniquely', () => {
    const headings = headingSections(texts.get(FORMAT_DOC)!);
    assert.ok(headings.length >= 12, `only ${headings.length} numbered headings`);
    assert.deepEqual(
      headings.filter((h, i) => headings.indexOf(h) !== i),
      [],
    );
  });

  it('every "format.md §N.N" citation in src/, test/ and the docs names an existing section', () => {
    const headings = new Set(headingSections(texts.get(FORMAT_DOC)!));
    const dangling: string[] = [];
    let citations = 0;
    for (const [f, text] of texts) {
      if (!/^(src|test|docs)\/|^README\.md$|^CHANGELOG\.md$/.test(f)) continue;
      for (const section of citedSections(text)) {
        citations++;
        if (!headings.has(section)) dangling.push(`${f}: §${section}`);
      }
    }
    assert.deepEqual(dangling, []);
    assert.ok(citations >= 20, `only ${citations} citations found: is the citation pattern still right?`);
  });

  it('the checks themselves catch what they are meant to catch', () => {
    assert.deepEqual(citedSections('see docs/format.md §9.4, §8.5 and format.md §' + '99.9; spec is §1'), [
      '9.4',
      '8.5',
      '99.9',
    ]);
    assert.deepEqual(citedSections('[format.md §8.6](format.md)'), ['8.6']);
    assert.deepEqual(headingSections('## §1 A\n### §1.2 B\n#### not numbered\n§3 C\n'), ['1', '1.2']);
    const outside = ['..', 'shared', 'spec', 'kagi-store-' + 'format.md'].join('/');
    assert.deepEqual(forbiddenMentions(`see ${outside}`), [
      'the team spec outside the repository',
      'a path into ../shared',
    ]);
    assert.deepEqual(forbiddenMentions('file:///wo' + 'rk/app'), ['an absolute /work path']);
    assert.deepEqual(forbiddenMentions('rules of spec ' + '§7.5'), ['a numbered citation of an outside spec']);
    assert.deepEqual(forbiddenMentions('libs/' + 'work/x and docs/format.md §7.5'), []);
  });
});
