import * as assert from 'node:assert/strict';
import { l10n, useTranslator } from '../../src/extension/pureL10n';

describe('l10n for the pure modules', () => {
  afterEach(() => useTranslator());

  it('formats English placeholders before activation, and leaves a missing one as written', () => {
    assert.equal(l10n.t('{0} keys in {1}', 3, 'api/production'), '3 keys in api/production');
    assert.equal(l10n.t('{0} and {1}', 'a'), 'a and {1}');
  });

  it("answers through the translator activation hands it (VS Code's l10n.t)", () => {
    useTranslator((m, ...a) => `«${m}»:${a.join(',')}`);
    assert.equal(l10n.t('Scope {0}', 'api/dev'), '«Scope {0}»:api/dev');
  });
});
