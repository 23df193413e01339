/**
 * Issue 8, point 5: export then import, end to end through the CLI, gives back
 * byte-identical values for arbitrary strings (newlines, quotes, #, =, $, unicode,
 * leading/trailing spaces, the empty string). Property-based (fast-check): each run is
 * a whole scope of several values, exported with `kagi export … --yes` and imported
 * into another scope with `kagi import … --force`.
 *
 * dotenv has no general escape syntax, so a few mixes (a value holding `'`, `"`, and a
 * line break, say) cannot be written without changing them: export must then refuse
 * the whole scope with a typed error naming the key, and print nothing. A value without
 * `'`, `\`, `\r` or U+2028/2029 always fits in single quotes and must never be refused, except
 * a multi-line one whose last line reads like `NAME=` (import would take it for a missing quote).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { initProject } from '../../../src/vault/usecases/init';
import { Project } from '../../../src/vault/project/project';
import { readScopes, setSecrets } from '../../../src/vault/usecases/secrets';
import { device, tempDir } from '../helpers';
import { ensureCli, rmTree, runCli } from './support';

const RUNS = Number(process.env.KAGI_ROUNDTRIP_RUNS ?? 25);

const SPECIAL = [
  '\n',
  '\r\n',
  '\r',
  '"',
  "'",
  '`',
  '#',
  ' # ',
  '=',
  '$',
  '${HOME}',
  '$(id)',
  '\\',
  '\\n',
  ' ',
  '  ',
  '\t',
  'ü',
  '😀',
  '中文',
  '\u00a0',
  '\u2028',
  'export ',
  'A=B',
  '#!',
  '=',
  '"\'',
  '{"j":1}',
];
const PLAIN = ['a', 'Z', '0', '9', '_', '-', '.', '/', ':', '@', '+', '%', ',', ';', 'postgres://u:p@h/db?x=1'];

/** Mostly text that any .env quoting carries, sometimes the nasty mixes. */
const valueArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 5,
    arbitrary: fc.string({
      unit: fc.constantFrom(...PLAIN, ...SPECIAL.filter((s) => !/['\\\r\u2028]/.test(s))),
      maxLength: 12,
    }),
  },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...PLAIN, ...SPECIAL), maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }).filter((s) => !s.includes('\0')) },
);
const keyArb = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/);
const scopeArb = fc.uniqueArray(fc.tuple(keyArb, valueArb), { minLength: 1, maxLength: 6, selector: ([k]) => k });

/** …unless it spans lines and its last line reads like `NAME=`, which import takes for a missing quote. */
const closesLikeAnEntry = (v: string) =>
  v.includes('\n') && /^(?:export\s+)?[\w.-]+\s*=\s*$/.test(v.slice(v.lastIndexOf('\n') + 1).trim());
const alwaysFits = (v: string) => !/['\\\r\u2028\u2029]/.test(v) && !closesLikeAnEntry(v);

describe('reliability: export → import round trip through the CLI (fast-check)', function () {
  this.timeout(240_000);
  let root: string;
  let alice: ReturnType<typeof device>;
  let work: string;

  before(async () => {
    ensureCli();
    root = tempDir('kagi-rt-');
    work = tempDir('kagi-rt-files-');
    alice = device('alice');
    await initProject(root, alice);
  });

  after(() => [root, work, alice.home].forEach(rmTree));

  it(`${RUNS} scopes of arbitrary values come back byte-identical (or are refused whole, by key)`, async () => {
    let run = 0;
    const stats = { exact: 0, refused: 0, values: 0 };
    await fc.assert(
      fc.asyncProperty(scopeArb, async (pairs) => {
        run++;
        const src = `src${run}/development`;
        const dst = `dst${run}/development`;
        const env = { KAGI_HOME: alice.home, USER: 'alice' };
        await setSecrets(
          Project.open(root, alice),
          src,
          pairs.map(([key, value]) => ({ key, value })),
        );
        const exported = await runCli(['export', `src${run}`, 'development', '--yes'], { cwd: root, env });
        if (exported.code !== 0) {
          // A refusal: typed, whole (nothing printed), naming a key whose value needs it.
          assert.equal(exported.code, 1, exported.stderr);
          assert.equal(exported.stdout, '', 'a refused export printed something');
          assert.match(
            exported.stderr,
            /^kagi: error: .*cannot be written to a \.env file|^kagi: error: cannot write .* to a \.env file/,
          );
          const named = pairs.filter(([k]) => new RegExp(`\\b${k}\\b`).test(exported.stderr));
          assert.ok(named.length > 0, `the refusal names no key: ${exported.stderr}`);
          for (const [k, v] of named)
            assert.ok(!alwaysFits(v), `${k}=${JSON.stringify(v)} fits in single quotes but was refused`);
          stats.refused++;
          return;
        }
        const file = path.join(work, `export-${run}.env`);
        fs.writeFileSync(file, exported.stdout);
        const imported = await runCli(['import', `dst${run}`, 'development', '--file', file, '--force'], {
          cwd: root,
          env,
        });
        assert.equal(imported.code, 0, imported.stderr);
        const store = (await readScopes(Project.open(root, alice), [dst])).get(dst)!;
        assert.deepEqual([...store.secrets.keys()].sort(), pairs.map(([k]) => k).sort(), 'keys differ');
        for (const [k, v] of pairs) {
          const got = store.secrets.get(k)!.value;
          assert.equal(
            Buffer.from(got).toString('hex'),
            Buffer.from(v).toString('hex'),
            `${k}: ${JSON.stringify(v)} came back as ${JSON.stringify(got)}`,
          );
        }
        stats.exact++;
        stats.values += pairs.length;
      }),
      {
        numRuns: RUNS,
        seed: process.env.KAGI_ROUNDTRIP_SEED ? Number(process.env.KAGI_ROUNDTRIP_SEED) : undefined,
        endOnFailure: true,
      },
    );
    console.log(`      round trip: ${JSON.stringify(stats)}`);
    assert.ok(stats.exact >= RUNS * 0.6, `too many refusals: ${JSON.stringify(stats)}`);
  });

  it('the named edge cases: the empty string, edge spaces, every quote, #, =, $, a multi-line value', async () => {
    const pairs: [string, string][] = [
      ['EMPTY', ''],
      ['SPACES', '  padded  '],
      ['HASH', 'a # not a comment'],
      ['EQ', '=a=b='],
      ['DOLLAR', '$HOME ${X} $(id)'],
      ['DQ', 'say "hi"'],
      ['SQ', "it's"],
      ['BT', 'a `cmd`'],
      ['MULTI', 'line1\nline2\n\nline4\n'],
      ['UNI', 'ü 😀 中文\u00a0'],
      ['LEAD_QUOTE', '"starts with a quote'],
      ['BACKSLASH_N', 'a\\nb'],
      ['TAB', '\tx\t'],
    ];
    const env = { KAGI_HOME: alice.home, USER: 'alice' };
    await setSecrets(
      Project.open(root, alice),
      'edge/development',
      pairs.map(([key, value]) => ({ key, value })),
    );
    const exported = await runCli(['export', 'edge', 'development', '--yes'], { cwd: root, env });
    assert.equal(exported.code, 0, exported.stderr);
    const file = path.join(work, 'edge.env');
    fs.writeFileSync(file, exported.stdout);
    const imported = await runCli(['import', 'edge2', 'development', '--file', file, '--force'], { cwd: root, env });
    assert.equal(imported.code, 0, imported.stderr);
    const store = (await readScopes(Project.open(root, alice), ['edge2/development'])).get('edge2/development')!;
    for (const [k, v] of pairs) assert.equal(store.secrets.get(k)?.value, v, k);
  });
});
