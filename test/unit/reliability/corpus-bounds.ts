/**
 * Issue 16's classes of the hostile corpus: special files under every path the vault reads
 * (device files, FIFOs, /proc links, dangling links, folders), resource bombs in committed
 * data (stanzas per wrap, members, scopes, environments, mappings, nesting depth), store key
 * names no process can receive, and names carrying terminal control sequences.
 */
import { Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { scopeAad, seal } from '../../../src/vault/crypto/seal';
import { encodeBase64 } from '../../../src/vault/format/encoding';
import { serializeEnvelope } from '../../../src/vault/format/envelope';
import { CANARY, SCOPE, STORE, type Content, type Expectation, type HostileCase, type Template } from './corpus';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON shapes are the point here
type Json = any;

const err = (codes: string | string[], message: RegExp): Expectation => ({
  codes: Array.isArray(codes) ? codes : [codes],
  message,
});

/** Links a committed file could be; in the vault, none is followed. */
const LINK_TARGETS: [string, string][] = [
  ['/dev/zero', 'a link to /dev/zero'],
  ['/dev/urandom', 'a link to /dev/urandom'],
  ['/dev/null', 'a link to /dev/null'],
  ['/proc/self/environ', 'a link to /proc/self/environ'],
  ['/proc/self/pagemap', 'a link to /proc/self/pagemap'],
  ['/proc/self/mem', 'a link to /proc/self/mem'],
  ['/nonexistent/kagi/target', 'a dangling link'],
  ['@outside', 'a link to a regular file outside the vault'],
];

const DEEP = '@@deep@@';

/**
 * A marker for `depth` levels of `{"a": …}`, spliced in as text by `edit`: building them as
 * objects and stringifying would overflow the test's own stack (the very bug being tested).
 */
function nested(depth: number): string {
  return `${DEEP}${depth}`;
}

function spliceDeep(text: string): string {
  return text.replace(new RegExp(`"${DEEP}(\\d+)"`, 'g'), (_, d: string) => {
    const n = Number(d);
    return `${'{"a":'.repeat(n)}"leaf"${'}'.repeat(n)}`;
  });
}

const edit = (text: string, fn: (o: Json) => void): string => {
  const o = JSON.parse(text);
  fn(o);
  return spliceDeep(JSON.stringify(o, null, 2));
};

export async function boundsAndSpecialCases(t: Template): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);
  const cfgText = t.vault['kagi.json']!.toString('utf8');
  const accText = t.vault['access.json']!.toString('utf8');
  const idRel = 'data:identities/default.agekey';
  const journalRel = `data:projects/${t.projectId}.rotation.json`;
  const cacheRel = `data:projects/${t.projectId}.key`;

  // ------------------------------------------------ special files where the vault reads (no link followed)
  const link = err('io', /is a symbolic link; kagi does not read or rewrite files through links/);
  const fifo = err('io', /is a named pipe, not a regular file/);
  for (const [rel, what] of [
    ['kagi.json', 'kagi.json'],
    ['access.json', 'access.json'],
    [STORE, 'store'],
  ] as const) {
    for (const [target, how] of LINK_TARGETS) {
      add({ name: `special: ${what} is ${how}`, files: { [`vault:${rel}`]: { symlink: target } }, expect: link });
    }
    add({ name: `special: ${what} is a FIFO`, files: { [`vault:${rel}`]: { fifo: true } }, expect: fifo });
  }
  add({
    name: 'special: the secrets/api folder is a link to /proc/self',
    files: { 'vault:secrets/api': { symlink: '/proc/self' } },
    expect: err('bad-store', /is a symbolic link/),
  });

  // ------------------------------------------------ special files on this device (a person's own paths follow links)
  const device = err('io', /is a device, not a regular file/);
  const tooLarge = err('io', /more than 65536 bytes: too large/);
  const idCase = (how: string, content: Content, expect: Expectation) =>
    add({ name: `special: identity is ${how}`, files: { [idRel]: content }, expect });
  idCase('a link to /dev/zero', { symlink: '/dev/zero' }, device);
  idCase('a link to /dev/urandom', { symlink: '/dev/urandom' }, device);
  idCase('a link to /dev/null', { symlink: '/dev/null' }, device);
  idCase('a link to /proc/self/pagemap', { symlink: '/proc/self/pagemap' }, tooLarge);
  idCase('a FIFO', { fifo: true }, fifo);
  idCase('a dangling link', { symlink: '/nonexistent/identity' }, err('no-identity', /has no kagi identity/));
  const keyFile = (how: string, file: string, expect: Expectation, files: Record<string, Content> = {}) =>
    add({ name: `special: KAGI_PROJECT_KEY_FILE is ${how}`, files, env: { KAGI_PROJECT_KEY_FILE: file }, expect });
  keyFile('/dev/zero', '/dev/zero', device);
  keyFile('/dev/urandom', '/dev/urandom', device);
  keyFile('/dev/null', '/dev/null', device);
  keyFile('/proc/self/pagemap', '/proc/self/pagemap', tooLarge);
  keyFile('/proc/self/environ', '/proc/self/environ', err('bad-key', /invalid project key in KAGI_PROJECT_KEY_FILE/));
  keyFile('a FIFO', '@data/key.fifo', fifo, { 'data:key.fifo': { fifo: true } });
  keyFile('a link to /dev/zero', '@data/key.link', device, { 'data:key.link': { symlink: '/dev/zero' } });
  keyFile(
    'a dangling link',
    '@data/key.link',
    err('bad-key', /KAGI_PROJECT_KEY_FILE points to .*, which does not exist/),
    { 'data:key.link': { symlink: '/nonexistent/kagi.key' } },
  );
  for (const [target, how] of LINK_TARGETS.slice(0, 3)) {
    add({
      name: `special: the rotation journal is ${how}`,
      files: { [journalRel]: { symlink: target } },
      expect: link,
    });
    add({
      name: `special: the key cache is ${how} (no identity)`,
      files: { [cacheRel]: { symlink: target }, [idRel]: null },
      expect: link,
    });
  }
  add({ name: 'special: the rotation journal is a FIFO', files: { [journalRel]: { fifo: true } }, expect: fifo });
  add({
    name: 'special: the rotation journal is a folder',
    files: { [journalRel]: { dir: true } },
    expect: err('io', /is a folder, not a regular file/),
  });
  add({
    name: 'special: the key cache is a FIFO (no identity)',
    files: { [cacheRel]: { fifo: true }, [idRel]: null },
    expect: fifo,
  });

  // ------------------------------------------------ stanzas per wrap
  const acc = JSON.parse(accText) as Json;
  const alice = acc.members.find((m: Json) => m.member_id === t.aliceId);
  const wrapFor = async (extra: number): Promise<string> => {
    const e = new Encrypter();
    e.addRecipient(alice.recipient);
    for (let i = 0; i < extra; i++) e.addRecipient(await identityToRecipient(await generateX25519Identity()));
    return encodeBase64(await e.encrypt(t.key));
  };
  const withAliceWrap = (wrapped: string) =>
    edit(accText, (o) => {
      o.members.find((m: Json) => m.member_id === t.aliceId).wrapped_key = wrapped;
    });
  for (const stanzas of [17, 64, 500]) {
    add({
      name: `bomb: alice's wrap holds ${stanzas} stanzas`,
      files: { 'vault:access.json': withAliceWrap(await wrapFor(stanzas - 1)) },
      expect: err('bad-access', new RegExp(`holds ${stanzas} recipient stanzas, more than the limit of 16`)),
    });
  }
  add({
    name: "bomb: alice's wrap holds 16 stanzas (the limit, accepted)",
    files: { 'vault:access.json': withAliceWrap(await wrapFor(15)) },
    expect: 'ok',
  });
  const bobWrapBomb = edit(accText, (o) => {
    const bob = o.members.find((m: Json) => m.member_id === t.bobId);
    const fake = Buffer.from(`age-encryption.org/v1\n${'-> X25519 AAAA\nBBBB\n'.repeat(20_000)}--- mac\n`);
    bob.wrapped_key = fake.toString('base64');
    // Ahead of alice in the search, so it is met first: '!' sorts before every character of a
    // nanoid id ('-' included, which a '0…' id would not beat one time in 64).
    bob.member_id = 'kgm_!bomb';
  });
  add({
    name: "bomb: another member's wrap holds 20,000 stanzas",
    files: { 'vault:access.json': bobWrapBomb },
    expect: err('bad-access', /holds 20000 recipient stanzas, more than the limit of 16/),
  });

  // ------------------------------------------------ list sizes
  const removedMembers = (n: number) =>
    edit(accText, (o) => {
      const bob = o.members.find((m: Json) => m.member_id === t.bobId);
      for (let i = 0; i < n; i++) {
        o.members.push({ ...bob, member_id: `kgm_x${String(i).padStart(8, '0')}`, status: 'removed' });
      }
    });
  add({
    name: 'bomb: 1,001 member entries',
    files: { 'vault:access.json': removedMembers(1001 - acc.members.length) },
    expect: err('bad-access', /1001 entries in members, more than the limit of 1000/),
  });
  add({
    name: 'bomb: 1,000 member entries (the limit, accepted)',
    files: { 'vault:access.json': removedMembers(1000 - acc.members.length) },
    expect: 'ok',
  });
  add({
    name: 'bomb: 5,000 member entries',
    files: { 'vault:access.json': removedMembers(5_000) },
    expect: err('bad-access', /5002 entries in members, more than the limit of 1000/),
  });
  const cfgCase = (name: string, fn: (o: Json) => void, expect: Expectation | 'ok') =>
    add({ name: `bomb: ${name}`, files: { 'vault:kagi.json': edit(cfgText, fn) }, expect });
  const overLimit = (what: string, n: number, max: number) =>
    err('bad-config', new RegExp(`kagi\\.json: ${n} ${what}, more than the limit of ${max}`));
  for (const n of [10_001, 60_000]) {
    cfgCase(
      `${n} scopes`,
      (o) => {
        for (let i = 0; i < n - 3; i++) o.services[`s${i}/development`] = { file: `secrets/s${i}/development.enc` };
      },
      overLimit('scopes in services', n, 10_000),
    );
  }
  for (const n of [101, 3000]) {
    cfgCase(
      `${n} environments`,
      (o) => {
        o.settings.envs = Array.from({ length: n }, (_, i) => `e${i}`);
      },
      overLimit('entries in settings\\.envs', n, 100),
    );
  }
  cfgCase(
    '100 environments (the limit, accepted)',
    (o) => {
      o.settings.envs = Array.from({ length: 100 }, (_, i) => (i === 0 ? 'development' : `e${i}`));
    },
    'ok',
  );
  cfgCase(
    '10,001 nested services',
    (o) => {
      o.settings.nested = Array.from({ length: 10_001 }, (_, i) => `n${i}`);
    },
    overLimit('entries in settings\\.nested', 10_001, 10_000),
  );
  cfgCase(
    '10,001 monorepo mappings',
    (o) => {
      o.settings.monorepo = {
        max_depth: 2,
        services: Array.from({ length: 10_001 }, (_, i) => ({ path: `p${i}`, service: `s${i}` })),
      };
    },
    overLimit('entries in settings\\.monorepo\\.services', 10_001, 10_000),
  );

  // ------------------------------------------------ monorepo paths that leave the project
  for (const p of ['..', '../outside', 'apps/../../outside', '/../outside', 'a\\..\\..\\b', 'apps/..']) {
    cfgCase(
      `monorepo path ${JSON.stringify(p)}`,
      (o) => {
        o.settings.monorepo = { max_depth: 2, services: [{ path: p, service: 'api' }] };
      },
      err('bad-config', /settings\.monorepo\.services\[0\]\.path .* leaves the project folder/),
    );
  }
  // Relative to the project folder however written (Rust trims a leading slash): these stay inside.
  for (const p of ['/apps/api/', '\\\\server\\share', 'C:\\Windows']) {
    cfgCase(
      `monorepo path ${JSON.stringify(p)} (inside the project, accepted)`,
      (o) => {
        o.settings.monorepo = { max_depth: 2, services: [{ path: p, service: 'api' }] };
      },
      'ok',
    );
  }
  cfgCase(
    'monorepo path "apps/..x" (a folder name, accepted)',
    (o) => {
      o.settings.monorepo = { max_depth: 2, services: [{ path: 'apps/..x', service: 'api' }] };
    },
    'ok',
  );

  // ------------------------------------------------ nesting depth of unknown fields
  const deep = err(['bad-config', 'bad-access', 'bad-store'], /more than 128 levels deep/);
  for (const depth of [130, 1_000, 20_000]) {
    cfgCase(
      `an unknown top-level field nested ${depth} deep`,
      (o) => {
        o.x_future = nested(depth);
      },
      deep,
    );
    cfgCase(
      `an unknown settings field nested ${depth} deep`,
      (o) => {
        o.settings.x_future = nested(depth);
      },
      deep,
    );
    cfgCase(
      `an unknown service field nested ${depth} deep`,
      (o) => {
        o.services[SCOPE].x_future = nested(depth);
      },
      deep,
    );
    add({
      name: `bomb: an unknown member field nested ${depth} deep`,
      files: {
        'vault:access.json': edit(accText, (o) => {
          o.members[0].x_future = nested(depth);
        }),
      },
      expect: deep,
    });
  }
  cfgCase(
    'an unknown field nested 100 deep (accepted)',
    (o) => {
      o.x_future = nested(100);
    },
    'ok',
  );

  // ------------------------------------------------ decrypted stores others wrote
  const store = (name: string, plain: Json, expect: Expectation | 'ok') =>
    add({
      name: `store content: ${name}`,
      files: {
        [`vault:${STORE}`]: serializeEnvelope(
          seal(t.key, scopeAad(SCOPE), Buffer.from(spliceDeep(JSON.stringify(plain)))),
        ),
      },
      expect,
    });
  const secrets = (keys: string[]) =>
    Object.fromEntries(keys.map((k) => [k, { key: k, value: CANARY }])) as Record<string, unknown>;
  const unreceivable = err('bad-store', /which no process can receive/);
  for (const [what, k] of [
    ['A=B', 'A=B'],
    ['=', '='],
    ['empty', ''],
    ['NUL inside', 'A\0B'],
    ['LF inside', 'A\nB'],
    ['CR inside', 'A\rB'],
    ['leading =', '=A'],
  ] as const) {
    store(`a key named ${what}`, { name: SCOPE, secrets: secrets(['OK', k]) }, unreceivable);
  }
  for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    store(`a key named ${k} (an ordinary key)`, { name: SCOPE, secrets: secrets(['OK', k]) }, 'ok');
  }
  for (const depth of [130, 5_000]) {
    store(
      `an unknown field nested ${depth} deep`,
      { name: SCOPE, secrets: secrets(['OK']), x_future: nested(depth) },
      deep,
    );
    store(
      `an unknown secret field nested ${depth} deep`,
      { name: SCOPE, secrets: { OK: { key: 'OK', value: 'v', x: nested(depth) } } },
      deep,
    );
  }

  // ------------------------------------------------ names with terminal control sequences (escaped in every error)
  const osc52 = `\u001b]52;c;${Buffer.from('rm -rf ~').toString('base64')}\u0007`;
  for (const [what, name] of [
    ['ESC colour', 'api\u001b[31mred'],
    ['OSC 52 clipboard write', `api${osc52}`],
    ['BEL', 'api\u0007'],
    ['C1 CSI', 'api\u009b2J'],
    ['bidi override', 'api\u202etxt.exe'],
    ['DEL', 'api\u007f'],
  ] as const) {
    cfgCase(
      `a scope named with ${what} is not an object`,
      (o) => {
        o.services[`${name}/development`] = 'secrets/ctl/development.enc';
      },
      err('bad-config', /services\["api\\u[0-9a-f]{4}.*"\] must be an object/),
    );
    cfgCase(
      `two scopes with ${what} share a file`,
      (o) => {
        o.services[`${name}/x`] = { file: STORE };
      },
      err('bad-config', /both name the file/),
    );
    add({
      name: `bomb: an active member named with ${what} lacks its wrapped_key`,
      files: {
        'vault:access.json': edit(accText, (o) => {
          const bob = o.members.find((m: Json) => m.member_id === t.bobId);
          bob.name = name;
          delete bob.wrapped_key;
        }),
      },
      expect: err('bad-access', /is active but has no wrapped_key/),
    });
  }
  return cases;
}
