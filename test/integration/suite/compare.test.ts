// The environment matrix in a real editor: the panel opens on the fixture's service, the page is
// sent letters and counts only, and a gap is filled by copying from another environment after
// the modal.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { kagi, kagiCli, waitFor } from '../helpers';
import { assertNoValues, withAnswers } from '../scriptedPrompter';
import { api, fixtureToken } from './injectHelpers';
import type { CompareMatrixView } from '../../../src/protocol/compare';

const GAP_VALUE = 'compare-gap-value-Pq82';

describe('compare environments (matrix webview host)', function () {
  this.timeout(40000);

  after(() => {
    // where the test stopped decides which of these exist
    for (const env of ['development', 'staging', 'production']) kagiCli(['unset', '--yes', 'api', env, 'GAP_KEY']);
  });

  it('opens the matrix, highlights a gap and fills it by copying from another environment', async () => {
    const tokens = ['development', 'staging', 'production'].map(fixtureToken);
    kagi(['set', 'api', 'development', 'GAP_KEY', GAP_VALUE]);
    const k = await api();
    const matrix = async (want: (m: CompareMatrixView) => boolean, what: string): Promise<CompareMatrixView> =>
      (await waitFor(
        () => {
          const m = k.compare.lastMessage;
          return m?.type === 'matrix' && want(m) ? m : undefined;
        },
        { timeoutMs: 15000, what },
      ))!;
    await withAnswers([], async () => {
      await vscode.commands.executeCommand('kagi.compareEnvironments');
    });
    const before = await matrix((m) => m.rows.some((r) => r.key === 'GAP_KEY'), 'the matrix with GAP_KEY');
    assert.equal(before.service, 'api');
    assert.deepEqual(before.envs, ['development', 'staging', 'production']);
    assert.deepEqual(before.rows.find((r) => r.key === 'API_TOKEN')!.cells, {
      development: 'A',
      staging: 'B',
      production: 'C',
    });
    assert.deepEqual(before.rows.find((r) => r.key === 'GAP_KEY')!.cells, {
      development: 'A',
      staging: null,
      production: null,
    });
    for (const env of before.envs) {
      const present = before.rows.filter((r) => r.cells[env] !== null).length;
      assert.equal(before.counts[env], present, `the count of ${env}`);
    }

    // a message outside the protocol does nothing
    await k.compare.handleMessage({ type: 'reveal', key: 'GAP_KEY', env: 'development' });
    const { prompter } = await withAnswers([{ confirm: 'Copy' }], () =>
      k.compare.handleMessage({ type: 'copyFrom', key: 'GAP_KEY', from: 'development', to: 'staging' }),
    );
    assert.match(prompter.asked[0]!, /Copy the value of GAP_KEY from api\/development to api\/staging\?/);
    const after = await matrix(
      (m) => m.rows.find((r) => r.key === 'GAP_KEY')?.cells.staging === 'A',
      'the gap to be filled',
    );
    assert.equal(after.rows.find((r) => r.key === 'GAP_KEY')!.cells.production, null);
    assert.equal(kagi(['get', '--yes', 'api', 'staging', 'GAP_KEY']).trim(), GAP_VALUE);
    assertNoValues(
      [JSON.stringify(before), JSON.stringify(after), ...prompter.shown],
      [...tokens, GAP_VALUE],
      'the page',
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
