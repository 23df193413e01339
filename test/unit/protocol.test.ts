import * as assert from 'node:assert/strict';
import { describeMessageType, isHostMessage, parseWebviewMessage, type WebviewMessage } from '../../src/protocol';

const ID = 'kgm_L9a2Qf7xVb3K';

describe('protocol: parseWebviewMessage', () => {
  const valid: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'refresh' },
    { type: 'selectVault', vault: 'file:///projects/app' },
    { type: 'requestAccess' },
    { type: 'approve', memberId: ID },
    { type: 'reject', memberId: 'kgm_uStCrQB-rAgs' },
    { type: 'remove', memberId: 'kgm_a_b-c' },
    { type: 'setRole', memberId: ID, role: 'owner' },
    { type: 'setRole', memberId: ID, role: 'member' },
    { type: 'copyRecipient' },
    { type: 'copyRecipient', memberId: ID },
    { type: 'resolveConflict' },
  ];
  for (const m of valid) {
    it(`accepts ${JSON.stringify(m)}`, () => {
      assert.deepEqual(parseWebviewMessage(m), m);
      // what crosses postMessage is a structured clone: a null-prototype copy must pass too
      assert.deepEqual(parseWebviewMessage(Object.assign(Object.create(null), m)), m);
    });
  }

  it('returns a fresh object, not the input', () => {
    const m = { type: 'approve', memberId: ID };
    const parsed = parseWebviewMessage(m);
    assert.notEqual(parsed, m);
    assert.deepEqual(parsed, m);
  });

  const invalid: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'approve'],
    ['a number', 42],
    ['an array', [{ type: 'ready' }]],
    ['no type', { memberId: ID }],
    ['unknown type', { type: 'deleteEverything' }],
    ['type from the prototype chain', { type: 'toString' }],
    ['type __proto__', JSON.parse('{"type":"__proto__"}')],
    ['non-string type', { type: 1 }],
    ['extra field on ready', { type: 'ready', x: 1 }],
    ['extra field on approve', { type: 'approve', memberId: ID, recipient: 'age1x' }],
    ['value smuggled in', { type: 'approve', memberId: ID, value: 'sekrit' }],
    ['missing memberId', { type: 'approve' }],
    ['memberId undefined', { type: 'remove', memberId: undefined }],
    ['memberId without prefix', { type: 'approve', memberId: 'L9a2Qf7xVb3K' }],
    ['project id instead of member id', { type: 'approve', memberId: 'kgp_L9a2Qf7xVb3K' }],
    ['empty id body', { type: 'approve', memberId: 'kgm_' }],
    ['path traversal id', { type: 'reject', memberId: 'kgm_../../etc' }],
    ['id with slash', { type: 'remove', memberId: 'kgm_a/b' }],
    ['id with newline', { type: 'remove', memberId: `${ID}\n` }],
    ['id with space', { type: 'remove', memberId: 'kgm_ab cd' }],
    ['id too long', { type: 'remove', memberId: `kgm_${'a'.repeat(200)}` }],
    ['numeric id', { type: 'approve', memberId: 12 }],
    ['bad role', { type: 'setRole', memberId: ID, role: 'admin' }],
    ['missing role', { type: 'setRole', memberId: ID }],
    ['role on approve', { type: 'approve', memberId: ID, role: 'owner' }],
    ['copyRecipient bad id', { type: 'copyRecipient', memberId: 'nope' }],
    ['copyRecipient with recipient', { type: 'copyRecipient', recipient: 'age1abc' }],
    ['selectVault without vault', { type: 'selectVault' }],
    ['selectVault empty vault', { type: 'selectVault', vault: '' }],
    ['selectVault huge vault', { type: 'selectVault', vault: 'x'.repeat(5000) }],
    ['selectVault non-string', { type: 'selectVault', vault: { key: 'x' } }],
    [
      'class instance',
      new (class {
        type = 'ready';
      })(),
    ],
    ['a Date', new Date()],
    ['getter field', Object.defineProperty({ type: 'approve' }, 'memberId', { get: () => ID, enumerable: true })],
    ['symbol key', { type: 'ready', [Symbol('x')]: 1 }],
  ];
  for (const [what, m] of invalid) {
    it(`rejects ${what}`, () => {
      assert.equal(parseWebviewMessage(m), undefined);
    });
  }
});

describe('protocol: describeMessageType', () => {
  it('names the type without echoing content', () => {
    assert.equal(describeMessageType({ type: 'approve', memberId: 'kgm_x', value: 'sekrit' }), 'type=approve');
    assert.equal(describeMessageType({ type: 'sekrit value with spaces' }), 'type=<invalid>');
    assert.equal(describeMessageType('sekrit'), 'string');
    assert.equal(describeMessageType(null), 'null');
    assert.equal(describeMessageType([1]), 'array');
  });
});

describe('protocol: isHostMessage', () => {
  it('accepts state and busy messages', () => {
    assert.equal(isHostMessage({ type: 'state', state: { kind: 'loading' } }), true);
    assert.equal(isHostMessage({ type: 'busy', busy: 'Approving' }), true);
  });
  it('rejects anything else', () => {
    assert.equal(isHostMessage({ type: 'state' }), false);
    assert.equal(isHostMessage({ type: 'other' }), false);
    assert.equal(isHostMessage('state'), false);
  });
});
