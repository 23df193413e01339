import * as assert from 'node:assert/strict';
import { KagiError } from '../../src/vault/errors';
import type { Io } from '../../src/cli/io';
import { reportError } from '../../src/cli/report';

function captureIo(): Io & { text: () => string } {
  let err = '';
  return {
    out: () => assert.fail('errors go to stderr'),
    outBytes: () => assert.fail('errors go to stderr'),
    err: (t) => {
      err += t;
    },
    interactive: false,
    readStdin: async () => '',
    ask: async () => '',
    text: () => err,
  };
}

describe('cli: error reporting', () => {
  it('a KagiError is the message and the hint, nothing else', () => {
    const io = captureIo();
    reportError(io, new KagiError('usage', 'something failed', 'do this'), true);
    assert.equal(io.text(), 'kagi: error: something failed\n  hint: do this\n');
  });

  it('an unexpected error shows only its kind, unless KAGI_DEBUG=1', () => {
    const bug = new TypeError('value=hunter2 leaked into a message');
    const quiet = captureIo();
    reportError(quiet, bug, false);
    assert.match(
      quiet.text(),
      /^kagi: error: unexpected internal error \(TypeError\)\n {2}hint: rerun with KAGI_DEBUG=1/,
    );
    assert.ok(!quiet.text().includes('hunter2'));
    const debug = captureIo();
    reportError(debug, bug, true);
    assert.match(debug.text(), /^\s+at /m);
  });
});
