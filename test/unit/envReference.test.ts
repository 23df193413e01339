import * as assert from 'node:assert/strict';
import { referenceFor, replacementSpan } from '../../src/extension/envReference';

describe('envReference: "Replace with a reference to KEY" per language', () => {
  it('JS/TS: process.env, or import.meta.env where the file already uses it, brackets for odd names', () => {
    assert.equal(referenceFor('typescript', 'API_KEY', 'const x = 1')?.text, 'process.env.API_KEY');
    assert.equal(referenceFor('javascript', 'API_KEY', 'import.meta.env.MODE')?.text, 'import.meta.env.API_KEY');
    assert.equal(referenceFor('svelte', 'API_KEY', '')?.text, 'import.meta.env.API_KEY');
    assert.equal(referenceFor('typescript', 'my-key', '')?.text, 'process.env["my-key"]');
  });

  it('python, go, rust read the variable by name; YAML and compose files use ${KEY}', () => {
    assert.equal(referenceFor('python', 'K', '')?.text, 'os.environ["K"]');
    assert.equal(referenceFor('go', 'K', '')?.text, 'os.Getenv("K")');
    assert.equal(referenceFor('rust', 'K', '')?.text, 'std::env::var("K")');
    assert.deepEqual(referenceFor('yaml', 'K', ''), { text: '${K}', replaceQuotes: false });
    assert.equal(referenceFor('dockercompose', 'K', '')?.text, '${K}');
    assert.equal(referenceFor('markdown', 'K', ''), undefined);
  });

  it('the span takes the quotes of a literal when the reference replaces them', () => {
    const text = 'token = "s3cret-value"';
    const start = text.indexOf('s3cret');
    assert.deepEqual(replacementSpan(text, start, 12, true), { start: start - 1, end: start + 13 });
    assert.deepEqual(replacementSpan(text, start, 12, false), { start, end: start + 12 });
    const unquoted = 'url: s3cret-value-x';
    const s2 = unquoted.indexOf('s3cret');
    assert.deepEqual(replacementSpan(unquoted, s2, 12, true), { start: s2, end: s2 + 12 });
  });
});
