import * as assert from 'node:assert/strict';
import {
  resolveExportTarget,
  resolveGetTarget,
  resolveRunTarget,
  resolveSetScope,
  type GrammarContext,
} from '../../src/vault/scopes/grammar';

const envs = ['development', 'production'];
const scopes = ['api/development', 'api/production', 'api/qa', 'production', 'local', 'web/development'];
const root: GrammarContext = { envs, defaultEnv: 'development', scopes };
const flag: GrammarContext = { ...root, service: 'api' };
const inferred: GrammarContext = { ...root, service: 'api', inferred: true };

function usageError(e: unknown): boolean {
  return (e as { code?: string }).code === 'usage';
}

describe('grammar (docs/format.md §8.6)', () => {
  describe('set / import', () => {
    const cases: [GrammarContext, string[], string][] = [
      [root, ['api'], 'api/development'],
      [root, ['api', 'production'], 'api/production'],
      [root, ['production'], 'production'],
      [root, ['local'], 'local/development'], // set checks envs only, not existing root scopes
      [root, ['api', 'staging'], 'api/staging'],
      [flag, [], 'api/development'],
      [flag, ['staging'], 'api/staging'], // env not checked with a service
      [inferred, ['production'], 'api/production'],
    ];
    for (const [ctx, pos, want] of cases) {
      it(`${ctx.service ? `[S=${ctx.service}] ` : ''}set ${pos.join(' ')} → ${want}`, () => {
        assert.equal(resolveSetScope(ctx, pos), want);
      });
    }
    it('refuses a bare `set K V` at the root', () => {
      assert.throws(() => resolveSetScope(root, []), usageError);
    });
    it('refuses too many scope parts', () => {
      assert.throws(() => resolveSetScope(flag, ['a', 'b']), usageError);
      assert.throws(() => resolveSetScope(root, ['a', 'b', 'c']), usageError);
    });
    it('refuses names that would escape the secrets folder', () => {
      assert.throws(
        () => resolveSetScope(root, ['..', 'x']),
        (e: unknown) => (e as { code?: string }).code === 'bad-name',
      );
    });
  });

  describe('get / unset', () => {
    const cases: [GrammarContext, string[], unknown][] = [
      [root, [], { kind: 'all' }],
      [root, ['production'], { kind: 'scope', scope: 'production' }],
      [root, ['local'], { kind: 'scope', scope: 'local' }], // exists at root → an env
      [root, ['api'], { kind: 'service', service: 'api' }],
      [root, ['production', 'K'], { kind: 'key', scope: 'production', key: 'K' }],
      [root, ['api', 'qa'], { kind: 'scope', scope: 'api/qa' }], // qa exists under api
      [root, ['api', 'production'], { kind: 'scope', scope: 'api/production' }],
      [root, ['api', 'DB_URL'], { kind: 'key', scope: 'api/development', key: 'DB_URL' }],
      [root, ['web', 'qa'], { kind: 'key', scope: 'web/development', key: 'qa' }],
      [root, ['api', 'qa', 'K'], { kind: 'key', scope: 'api/qa', key: 'K' }],
      [flag, [], { kind: 'service', service: 'api' }],
      [flag, ['production'], { kind: 'scope', scope: 'api/production' }],
      [flag, ['qa'], { kind: 'scope', scope: 'api/qa' }],
      [flag, ['DB_URL'], { kind: 'key', scope: 'api/development', key: 'DB_URL' }],
      [flag, ['staging', 'K'], { kind: 'key', scope: 'api/staging', key: 'K' }], // --service: not checked
      [inferred, ['qa', 'K'], { kind: 'key', scope: 'api/qa', key: 'K' }],
    ];
    for (const [ctx, pos, want] of cases) {
      it(`${ctx.service ? `[${ctx.inferred ? 'I' : 'F'}=${ctx.service}] ` : ''}get ${pos.join(' ')}`, () => {
        assert.deepEqual(resolveGetTarget(ctx, pos), want);
      });
    }
    it('with an inferred service, `get x k` needs x to be an env', () => {
      assert.throws(() => resolveGetTarget(inferred, ['staging', 'K']), usageError);
    });
    it('refuses four positionals', () => {
      assert.throws(() => resolveGetTarget(root, ['a', 'b', 'c', 'd']), usageError);
    });
  });

  describe('export', () => {
    it('resolves scopes and whole services', () => {
      assert.deepEqual(resolveExportTarget(root, ['api', 'production']), { kind: 'scope', scope: 'api/production' });
      assert.deepEqual(resolveExportTarget(root, ['production']), { kind: 'scope', scope: 'production' });
      assert.deepEqual(resolveExportTarget(root, ['api']), { kind: 'service', service: 'api' });
      assert.deepEqual(resolveExportTarget(flag, []), { kind: 'service', service: 'api' });
      assert.deepEqual(resolveExportTarget(flag, ['qa']), { kind: 'scope', scope: 'api/qa' });
      assert.throws(() => resolveExportTarget(root, []), usageError);
    });
  });

  describe('run', () => {
    const cases: [GrammarContext, string[], { scope?: string; argv: string[] }][] = [
      [root, ['api', 'production', 'node', 'x'], { scope: 'api/production', argv: ['node', 'x'] }],
      [root, ['api', 'node', 'x'], { scope: 'api/development', argv: ['node', 'x'] }],
      [root, ['production', 'node'], { scope: 'production', argv: ['node'] }],
      [root, ['api/qa', 'node'], { scope: 'api/qa', argv: ['node'] }],
      [root, ['web', 'production', 'node'], { scope: 'web/production', argv: ['node'] }], // production ∈ envs
      [root, ['api', 'production', '--', 'node', 'x'], { scope: 'api/production', argv: ['node', 'x'] }],
      [root, ['api', '--', 'production'], { scope: 'api/development', argv: ['production'] }],
      // A `--` past the scope part is the program's own.
      [
        root,
        ['api', 'node', 'x.js', '--', '--flag'],
        { scope: 'api/development', argv: ['node', 'x.js', '--', '--flag'] },
      ],
      [root, ['api', 'production', 'node', '--', 'x'], { scope: 'api/production', argv: ['node', '--', 'x'] }],
      [flag, ['qa', 'npm', 'start'], { scope: 'api/qa', argv: ['npm', 'start'] }],
      [flag, ['npm', 'start'], { scope: 'api/development', argv: ['npm', 'start'] }],
      [flag, ['--', 'production'], { scope: 'api/development', argv: ['production'] }],
    ];
    for (const [ctx, args, want] of cases) {
      it(`${ctx.service ? `[S=${ctx.service}] ` : ''}run ${args.join(' ')}`, () => {
        const got = resolveRunTarget(ctx, args);
        assert.equal(got.scope, want.scope);
        assert.deepEqual(got.argv, want.argv);
        assert.equal(got.notice, undefined);
      });
    }
    it('`run npm start` at the root injects nothing, with a notice', () => {
      const got = resolveRunTarget(root, ['npm', 'start']);
      assert.equal(got.scope, undefined);
      assert.deepEqual(got.argv, ['npm', 'start']);
      assert.match(got.notice!, /without secrets/);
    });
    it('an inferred service without its default scope runs without secrets', () => {
      const ctx: GrammarContext = { ...root, service: 'worker', inferred: true };
      const got = resolveRunTarget(ctx, ['node', 'x']);
      assert.equal(got.scope, undefined);
      assert.match(got.notice!, /worker\/development/);
    });
    it('a --service without its default scope still names it (reading then fails loudly)', () => {
      const got = resolveRunTarget({ ...root, service: 'worker' }, ['node']);
      assert.equal(got.scope, 'worker/development');
    });
    it('refuses a run with no program', () => {
      assert.throws(() => resolveRunTarget(root, ['api', 'production']), usageError);
      assert.throws(() => resolveRunTarget(root, ['api', '--']), usageError);
    });
  });
});
