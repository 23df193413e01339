import * as assert from 'node:assert/strict';
import { inCI, peerProblem, requirePeers, type Peer } from './peers';

// The skip half (laptop) is not run here: it would print its notice into every run.
describe('interop peers check (test/unit/peers.ts)', () => {
  const absent: Peer = { name: 'a peer', debian: 'kagi-no-such-package', command: 'kagi-no-such-peer', args: [] };

  it('in CI a peer that cannot be run fails the suite, naming its Debian package', function () {
    assert.throws(
      () => requirePeers(this, [absent], { CI: 'true' }),
      (e: Error) =>
        /interop peer missing in CI/.test(e.message) &&
        e.message.includes('kagi-no-such-package') &&
        /ENOENT/.test(e.message),
    );
  });

  it('finds a peer by running it: a command that exits non-zero is missing too', () => {
    assert.match(peerProblem({ ...absent, command: 'node', args: ['-e', 'process.exit(3)'] }) ?? '', /exited 3/);
    assert.equal(peerProblem({ ...absent, command: 'node', args: ['--version'] }), undefined);
  });

  it('reads CI the way runners set it', () => {
    assert.deepEqual(
      ['true', '1', 'yes', '', 'false', '0', undefined].map((CI) => inCI({ CI })),
      [true, true, true, false, false, false, false],
    );
  });
});
