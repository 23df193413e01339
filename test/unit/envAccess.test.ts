import * as assert from 'node:assert/strict';
import { isEnvTemplate, referenceAt, typedKeyAt } from '../../src/extension/envAccess';

describe('env access in code', () => {
  it("finds the typed name after each language's accessor", () => {
    const cases: [string, string | undefined][] = [
      ['const a = process.env.', ''],
      ['const a = process.env.DB_', 'DB_'],
      ['url = import.meta.env.VITE', 'VITE'],
      ['x = os.environ["API', 'API'],
      ["x = os.environ['", ''],
      ['x = os.getenv("TO', 'TO'],
      ['x = os.environ.get("K', 'K'],
      ['v := os.Getenv("DATA', 'DATA'],
      ['let v = std::env::var("RUST', 'RUST'],
      ['let v = env::var("X', 'X'],
      ['token = ENV["GH', 'GH'],
      ["token = ENV.fetch('GH", 'GH'],
      ['const a = process.envx.', undefined],
      ['const a = process.env.DB_URL + ', undefined],
      ['os.getenv(name', undefined],
    ];
    for (const [prefix, expected] of cases) assert.equal(typedKeyAt(prefix), expected, prefix);
  });

  it('finds the referenced name under the cursor for hovers', () => {
    const line = 'const u = process.env.DB_URL ?? os.getenv("OTHER")';
    assert.deepEqual(referenceAt(line, 24), { key: 'DB_URL', start: 22, end: 28 });
    assert.equal(referenceAt(line, 5), undefined);
    assert.equal(referenceAt(line, line.indexOf('OTHER') + 2)?.key, 'OTHER');
    assert.equal(referenceAt('std::env::var("RUST_LOG")', 18)?.key, 'RUST_LOG');
    assert.equal(referenceAt('ENV["GH_TOKEN"]', 6)?.key, 'GH_TOKEN');
  });

  it('recognizes .env templates only', () => {
    assert.ok(isEnvTemplate('/w/.env.example'));
    assert.ok(isEnvTemplate('C:\\w\\api\\.env.sample'));
    assert.ok(!isEnvTemplate('/w/.env'));
    assert.ok(!isEnvTemplate('/w/.env.production'));
  });
});
