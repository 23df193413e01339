/**
 * The hostile-input corpus (issue 8, point 4). Most cases are mutations of one valid
 * project generated at test time; the hand-written ones live in test/fixtures/hostile/
 * (see its README). Every case says which file it replaces and what the vault must
 * answer: a KagiError code plus a message pattern, or `ok` for inputs that are odd
 * but valid (Rust accepts them too).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Encrypter, generateX25519Identity } from 'age-encryption';
import { artifactAad, newProjectKey, scopeAad, seal } from '../../../src/vault/crypto/seal';
import { encodeBase64 } from '../../../src/vault/format/encoding';
import { serializeEnvelope } from '../../../src/vault/format/envelope';
import { REPO } from './support';
import { boundsAndSpecialCases } from './corpus-bounds';

export const CANARY = 'CANARY-7f3e9b21-do-not-leak';
export const SCOPE = 'api/development';
export const STORE = 'secrets/api/development.enc';

/** What a case can touch: files in the vault, files in the device folder, environment variables. */
export interface Template {
  projectId: string;
  key: Uint8Array;
  /** relative to `.kagi/` */
  vault: Record<string, Buffer>;
  /** relative to the device folder */
  data: Record<string, Buffer>;
  /** alice's member id, bob's member id */
  aliceId: string;
  bobId: string;
}

export interface Expectation {
  codes: string[];
  message: RegExp;
}

export interface HostileCase {
  name: string;
  /** `vault:<rel>` or `data:<rel>` → new content (null deletes; {symlink}/{dir}/{sparse} for special files) */
  files: Record<string, Content>;
  env?: Record<string, string>;
  expect: Expectation | 'ok';
}

export type Content =
  string | Buffer | null | { symlink: string } | { dir: true } | { sparse: number } | { fifo: true };

const LARGE = 65 * 1024 * 1024;

const err = (codes: string | string[], message: RegExp): Expectation => ({
  codes: Array.isArray(codes) ? codes : [codes],
  message,
});

/** `count` cut points spread over the text (never the whole text). */
function truncations(text: string, count: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < count; i++) out.add(Math.floor(((text.length - 1) * i) / (count - 1)));
  return [...out];
}

function conflict(text: string): string {
  const lines = text.split('\n');
  const mid = Math.floor(lines.length / 2);
  return [
    ...lines.slice(0, mid),
    '<<<<<<< HEAD',
    lines[mid],
    '=======',
    lines[mid],
    '>>>>>>> feature',
    ...lines.slice(mid + 1),
  ].join('\n');
}

function flipBit(b64: string, bit: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[Math.floor(bit / 8) % bytes.length]! ^= 1 << (bit % 8);
  return bytes.toString('base64');
}

function urlSafe(b64: string): string {
  const u = b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return u === b64 ? `-_${b64}` : u;
}

/** Same bytes to a lenient decoder, but non-zero trailing bits (Rust's decoder refuses it). */
function nonCanonical(b64: string): string {
  const m = b64.match(/^(.*)([A-Za-z0-9+/])(=+)$/);
  if (!m) return `${b64}AB==`;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  return m[1]! + alphabet[alphabet.indexOf(m[2]!) ^ 1]! + m[3]!;
}

/** A parsed hostile document, edited freely by the cases below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON shapes are the point here
type Json = any;

const withJson = (text: string, edit: (o: Json) => unknown): string => {
  const o = JSON.parse(text);
  const r = edit(o);
  return JSON.stringify(r === undefined ? o : r, null, 2);
};

export async function buildCorpus(t: Template): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);
  const cfgText = t.vault['kagi.json']!.toString('utf8');
  const accText = t.vault['access.json']!.toString('utf8');
  const encText = t.vault[STORE]!.toString('utf8');
  const prodText = t.vault['secrets/api/production.enc']!.toString('utf8');
  const rootText = t.vault['secrets/development.enc']!.toString('utf8');

  // ---------------------------------------------------------------- kagi.json
  const cfg = (name: string, content: Content, expect: Expectation | 'ok') =>
    add({ name: `kagi.json: ${name}`, files: { 'vault:kagi.json': content }, expect });
  const cfgEdit = (name: string, edit: (o: Json) => unknown, expect: Expectation | 'ok') =>
    cfg(name, withJson(cfgText, edit), expect);
  const notJson = err('bad-config', /kagi\.json is not valid JSON/);
  for (const cut of truncations(cfgText, 14)) cfg(`truncated at ${cut}`, cfgText.slice(0, cut), notJson);
  cfg('empty', '', notJson);
  cfg('only whitespace', '  \n\t', notJson);
  cfg('NUL bytes', Buffer.alloc(64), notJson);
  cfg('NUL inside', cfgText.replace('"services"', '"serv\0ices"'), notJson);
  cfg('random binary', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256)), notJson);
  cfg('invalid UTF-8', Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(cfgText)]), notJson);
  cfg('UTF-16 encoded', Buffer.from('\ufeff' + cfgText, 'utf16le'), notJson);
  cfg('trailing garbage', cfgText + '}', notJson);
  cfg('JSON with comments', cfgText.replace('{', '{ // hi\n'), notJson);
  cfg('trailing comma', cfgText.replace(/\n}$/, ',\n}'), notJson);
  cfg('single quotes', cfgText.replace(/"/g, "'"), notJson);
  cfg('deeply nested', '['.repeat(100_000) + ']'.repeat(100_000), err('bad-config', /more than 128 levels deep/));
  cfg('unterminated deep nesting', '{"a":'.repeat(50_000), notJson);
  cfg('Git conflict markers', conflict(cfgText), err('bad-config', /kagi\.json has unresolved Git conflict markers/));
  cfg('huge (65 MB)', { sparse: LARGE }, err('io', /too large/));
  cfg('is a folder', { dir: true }, err('io', /kagi\.json is a folder, not a regular file/));
  cfg('BOM before valid JSON', '\ufeff' + cfgText, 'ok');
  for (const [what, v] of [
    ['array', []],
    ['string', 'kagi'],
    ['number', 2],
    ['null', null],
    ['true', true],
  ] as const) {
    cfgEdit(`top level is ${what}`, () => v, err('bad-config', /top level must be an object/));
  }
  for (const [what, v] of [
    ['number 2', 2],
    ['"1"', '1'],
    ['"4"', '4'],
    ['null', null],
    ['empty', ''],
    ['" 2"', ' 2'],
    ['["2"]', ['2']],
  ] as const) {
    cfgEdit(
      `version ${what}`,
      (o) => {
        o.version = v;
      },
      err('bad-config', /unsupported version/),
    );
  }
  cfgEdit(
    'version missing',
    (o) => {
      delete o.version;
    },
    err('bad-config', /unsupported version/),
  );
  for (const [what, v] of [
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['number', 42],
    ['null', null],
    ['object', {}],
  ] as const) {
    cfgEdit(
      `project_id ${what}`,
      (o) => {
        o.project_id = v;
      },
      err('bad-config', /project_id is missing or empty|project_id .* is not a kagi project id/),
    );
  }
  for (const id of [
    '../../etc/passwd',
    'kgp_../../x',
    'kgp_a/b',
    'kgp_a\\b',
    'kgp_ spaced',
    'kgp_\0',
    'kgm_L9a2Qf7xVb3K',
    'kgp_a\nb',
  ]) {
    cfgEdit(
      `project_id ${JSON.stringify(id)}`,
      (o) => {
        o.project_id = id;
      },
      err('bad-config', /is not a kagi project id/),
    );
  }
  for (const [what, v] of [
    ['missing', undefined],
    ['array', []],
    ['string', 'x'],
    ['number', 5],
    ['null', null],
  ] as const) {
    cfgEdit(
      `services ${what}`,
      (o) => {
        o.services = v;
      },
      err('bad-config', /services must be an object/),
    );
  }
  for (const [what, v] of [
    ['a string', STORE],
    ['null', null],
    ['an array', [STORE]],
    ['empty object', {}],
    ['file number', { file: 5 }],
    ['file null', { file: null }],
    ['file true', { file: true }],
    ['file array', { file: [STORE] }],
    ['file object', { file: { path: STORE } }],
  ] as const) {
    cfgEdit(
      `services entry is ${what}`,
      (o) => {
        o.services[SCOPE] = v;
      },
      err('bad-config', /services\["api\/development"\] must be an object with a "file" string/),
    );
  }
  const outside = err('bad-config', /the file of scope api\/development .* is outside \.kagi\/secrets\//);
  for (const file of [
    '../kagi.json',
    '../../../../etc/passwd',
    '/etc/passwd',
    'secrets/../access.json',
    'secrets/../../outside.enc',
    'secrets\\api\\development.enc',
    'secrets/api\\development.enc',
    'secrets//api/development.enc',
    'secrets/./api/development.enc',
    'secrets/',
    'secrets',
    'other/api/development.enc',
    '',
    './secrets/api/development.enc',
    'secrets/api/development.enc/..',
    'secrets/api/..',
    'secrets/..',
    'access.json',
    'kagi.json',
    '~/.ssh/id_rsa',
    'C:\\Windows\\win.ini',
    'secrets/api/./development.enc',
  ]) {
    cfgEdit(
      `file ${JSON.stringify(file)}`,
      (o) => {
        o.services[SCOPE].file = file;
      },
      outside,
    );
  }
  const moved = err(
    'auth-failed',
    /failed authentication: it was modified, moved from another scope, or encrypted with another project key/,
  );
  // Two scopes on one file: `env remove` of one would delete the other's store (issue 16, point 5).
  const alias = err('bad-config', /scopes ".+" and ".+" both name the file/);
  cfgEdit(
    "file points at another scope's store",
    (o) => {
      o.services[SCOPE].file = 'secrets/api/production.enc';
    },
    alias,
  );
  cfgEdit(
    "file points at the root scope's store",
    (o) => {
      o.services[SCOPE].file = 'secrets/development.enc';
    },
    alias,
  );
  cfgEdit(
    'two scopes share one file',
    (o) => {
      o.services['api/production'].file = STORE;
    },
    alias,
  );
  cfgEdit(
    'two scopes share one file, differing in case only',
    (o) => {
      o.services['api/production'].file = STORE.toUpperCase().replace('SECRETS/', 'secrets/');
    },
    alias,
  );
  cfgEdit(
    'a moved store (its file named by another scope only)',
    (o) => {
      o.services[SCOPE].file = 'secrets/api/production.enc';
      delete o.services['api/production'];
    },
    moved,
  );
  cfgEdit(
    'file does not exist',
    (o) => {
      o.services[SCOPE].file = 'secrets/api/nope.enc';
    },
    err('bad-store', /secrets\/api\/nope\.enc is missing but kagi\.json lists scope api\/development/),
  );
  cfgEdit(
    'file is a folder',
    (o) => {
      o.services[SCOPE].file = 'secrets/api';
    },
    err('io', /secrets.api is a folder, not a regular file/),
  );
  cfgEdit(
    'scope name with traversal',
    (o) => {
      o.services['../../evil'] = { file: 'secrets/api/development.enc' };
    },
    alias,
  );
  for (const [what, v] of [
    ['string', 'x'],
    ['number', 5],
    ['array', []],
    ['true', true],
  ] as const) {
    cfgEdit(
      `settings ${what}`,
      (o) => {
        o.settings = v;
      },
      err('bad-config', /settings must be an object/),
    );
  }
  for (const [what, v] of [
    ['number', 1],
    ['string', 'yes'],
    ['list of numbers', [1]],
    ['object', {}],
    ['null inside list', [null]],
  ] as const) {
    cfgEdit(
      `settings.nested ${what}`,
      (o) => {
        o.settings.nested = v;
      },
      err('bad-config', /settings\.nested must be a list of strings/),
    );
  }
  for (const [what, v] of [
    ['string', 'production'],
    ['number list', [1, 2]],
    ['object', { a: 'b' }],
    ['number', 3],
    ['nested list', [['a']]],
  ] as const) {
    cfgEdit(
      `settings.envs ${what}`,
      (o) => {
        o.settings.envs = v;
      },
      err('bad-config', /settings\.envs must be a list of strings/),
    );
  }
  for (const [what, v] of [
    ['number', 5],
    ['list', ['development']],
    ['null', null],
    ['object', {}],
  ] as const) {
    cfgEdit(
      `settings.default_env ${what}`,
      (o) => {
        o.settings.default_env = v;
      },
      err('bad-config', /settings\.default_env must be a string/),
    );
  }
  for (const [what, v] of [
    ['number', 5],
    ['string', 'x'],
    ['max_depth string', { max_depth: '4', services: [] }],
    ['max_depth negative', { max_depth: -1, services: [] }],
    ['max_depth fraction', { max_depth: 1.5, services: [] }],
    ['services missing', { max_depth: 4 }],
    ['service path number', { max_depth: 4, services: [{ path: 1, service: 'a' }] }],
    ['service missing', { max_depth: 4, services: [{ path: 'a' }] }],
    ['service entry string', { max_depth: 4, services: ['apps/api'] }],
  ] as const) {
    cfgEdit(
      `settings.monorepo ${what}`,
      (o) => {
        o.settings.monorepo = v;
      },
      err('bad-config', /settings\.monorepo/),
    );
  }
  cfgEdit(
    'unknown fields everywhere',
    (o) => {
      o.kagi_url = 'https://x';
      o.settings.future = { a: 1 };
      o.services[SCOPE].extra = 1;
    },
    'ok',
  );
  cfgEdit(
    'version "3"',
    (o) => {
      o.version = '3';
    },
    'ok',
  );
  cfgEdit(
    'settings missing',
    (o) => {
      delete o.settings;
    },
    'ok',
  );
  cfg(
    'duplicate scope keys (the last one wins)',
    cfgText.replace('"services": {', '"services": {\n    "api/development": { "file": "secrets/nope.enc" },'),
    'ok',
  );

  // ---------------------------------------------------------------- access.json
  const acc = (name: string, content: Content, expect: Expectation | 'ok') =>
    add({ name: `access.json: ${name}`, files: { 'vault:access.json': content }, expect });
  const accEdit = (name: string, edit: (o: Json) => unknown, expect: Expectation | 'ok') =>
    acc(name, withJson(accText, edit), expect);
  const alice = (o: Json) => o.members.find((m: Json) => m.member_id === t.aliceId);
  const bob = (o: Json) => o.members.find((m: Json) => m.member_id === t.bobId);
  const accNotJson = err('bad-access', /access\.json is not valid JSON/);
  for (const cut of truncations(accText, 14)) acc(`truncated at ${cut}`, accText.slice(0, cut), accNotJson);
  acc('empty', '', accNotJson);
  acc('NUL bytes', Buffer.alloc(100), accNotJson);
  acc('random binary', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256)), accNotJson);
  acc('Git conflict markers', conflict(accText), err('bad-access', /access\.json has unresolved Git conflict markers/));
  acc('huge (65 MB)', { sparse: LARGE }, err('io', /too large/));
  acc('tabs instead of spaces', accText.replace(/ {2}/g, '\t'), 'ok');
  acc('missing (no members: nobody can open the vault)', null, err('not-a-member', /not an active member/));
  for (const [what, v] of [
    ['array', []],
    ['string', 'x'],
    ['number', 1],
    ['null', null],
  ] as const) {
    accEdit(`top level is ${what}`, () => v, err('bad-access', /top level must be an object/));
  }
  for (const [what, v] of [
    ['number', 2],
    ['null', null],
    ['missing', undefined],
    ['list', ['2']],
  ] as const) {
    accEdit(
      `version ${what}`,
      (o) => {
        o.version = v;
      },
      err('bad-access', /version must be a string/),
    );
  }
  for (const [what, v] of [
    ['missing', undefined],
    ['object', {}],
    ['string', 'alice'],
    ['null', null],
    ['number', 0],
  ] as const) {
    accEdit(
      `members ${what}`,
      (o) => {
        o.members = v;
      },
      err('bad-access', /members must be a list/),
    );
  }
  for (const [what, v] of [
    ['number', 5],
    ['string', 'alice'],
    ['null', null],
    ['array', []],
  ] as const) {
    accEdit(
      `a member is ${what}`,
      (o) => {
        o.members.push(v);
      },
      err('bad-access', /members\[\d\] must be an object/),
    );
  }
  for (const field of ['member_id', 'name', 'recipient', 'role', 'status']) {
    accEdit(
      `alice's ${field} missing`,
      (o) => {
        delete alice(o)[field];
      },
      err('bad-access', new RegExp(`members\\[\\d\\] is missing "${field}"`)),
    );
    accEdit(
      `alice's ${field} is a number`,
      (o) => {
        alice(o)[field] = 7;
      },
      err('bad-access', new RegExp(`members\\[\\d\\]\\.${field} must be a string`)),
    );
    accEdit(
      `alice's ${field} is null`,
      (o) => {
        alice(o)[field] = null;
      },
      err('bad-access', new RegExp(`members\\[\\d\\]\\.${field} must be a string`)),
    );
  }
  for (const field of ['wrapped_key', 'wrapped_token', 'signing_public_key']) {
    accEdit(
      `alice's ${field} is a number`,
      (o) => {
        alice(o)[field] = 1;
      },
      err('bad-access', new RegExp(`members\\[\\d\\]\\.${field} must be a string`)),
    );
    accEdit(
      `alice's ${field} is an object`,
      (o) => {
        alice(o)[field] = { b64: 'x' };
      },
      err('bad-access', new RegExp(`members\\[\\d\\]\\.${field} must be a string`)),
    );
  }
  for (const role of ['admin', '', 'OWNER', 'owner ']) {
    accEdit(
      `role ${JSON.stringify(role)}`,
      (o) => {
        alice(o).role = role;
      },
      err('bad-access', /has unknown role/),
    );
  }
  for (const status of ['enabled', '', 'Active', 'approved']) {
    accEdit(
      `status ${JSON.stringify(status)}`,
      (o) => {
        alice(o).status = status;
      },
      err('bad-access', /has unknown status/),
    );
  }
  accEdit(
    'active owner without wrapped_key',
    (o) => {
      delete alice(o).wrapped_key;
    },
    err('bad-access', /is active but has no wrapped_key/),
  );
  accEdit(
    'active owner with empty wrapped_key',
    (o) => {
      alice(o).wrapped_key = '';
    },
    err('bad-access', /is active but has no wrapped_key/),
  );
  accEdit(
    'pending member with a wrapped_key',
    (o) => {
      bob(o).status = 'pending';
    },
    err('bad-access', /is pending but has a wrapped_key/),
  );
  accEdit(
    'no active owner (demoted)',
    (o) => {
      alice(o).role = 'member';
    },
    err('bad-access', /no active owner is left/),
  );
  accEdit(
    'no active owner (removed)',
    (o) => {
      alice(o).status = 'removed';
      delete alice(o).wrapped_key;
    },
    err('bad-access', /no active owner is left/),
  );
  accEdit(
    'empty member list (nobody can open the vault)',
    (o) => {
      o.members = [];
    },
    err('not-a-member', /not an active member/),
  );
  const b64bad = err('bad-access', /wrapped_key of member .* is not valid base64/);
  const aliceWrap = (o: Json): string => alice(o).wrapped_key;
  accEdit(
    'wrapped_key url-safe base64',
    (o) => {
      alice(o).wrapped_key = urlSafe(aliceWrap(o));
    },
    b64bad,
  );
  accEdit(
    'wrapped_key without padding',
    (o) => {
      alice(o).wrapped_key = aliceWrap(o).replace(/=+$/, '') + (aliceWrap(o).endsWith('=') ? '' : 'A');
    },
    b64bad,
  );
  accEdit(
    'wrapped_key with a line break',
    (o) => {
      const w = aliceWrap(o);
      alice(o).wrapped_key = w.slice(0, 76) + '\n' + w.slice(76);
    },
    b64bad,
  );
  accEdit(
    'wrapped_key with spaces',
    (o) => {
      alice(o).wrapped_key = ` ${aliceWrap(o)} `;
    },
    b64bad,
  );
  accEdit(
    'wrapped_key non-canonical',
    (o) => {
      alice(o).wrapped_key = nonCanonical(aliceWrap(o));
    },
    b64bad,
  );
  accEdit(
    'wrapped_key armored age',
    (o) => {
      alice(o).wrapped_key = '-----BEGIN AGE ENCRYPTED FILE-----';
    },
    b64bad,
  );
  const notMember = err('not-a-member', /this device is not an active member of kgp_/);
  const wrapBytes = Buffer.from(
    JSON.parse(accText).members.find((m: Json) => m.member_id === t.aliceId).wrapped_key,
    'base64',
  );
  for (const bit of [
    0,
    9,
    100,
    20 * 8 + 3,
    60 * 8,
    120 * 8 + 5,
    200 * 8 + 1,
    (wrapBytes.length - 60) * 8,
    (wrapBytes.length - 17) * 8 + 7,
    (wrapBytes.length - 1) * 8 + 2,
  ]) {
    accEdit(
      `wrapped_key bit ${bit} flipped`,
      (o) => {
        alice(o).wrapped_key = flipBit(aliceWrap(o), bit);
      },
      notMember,
    );
  }
  accEdit(
    'wrapped_key truncated',
    (o) => {
      alice(o).wrapped_key = wrapBytes.subarray(0, wrapBytes.length - 20).toString('base64');
    },
    notMember,
  );
  accEdit(
    "wrapped_key is bob's wrap",
    (o) => {
      alice(o).wrapped_key = bob(o).wrapped_key;
    },
    notMember,
  );
  accEdit(
    'wrapped_key is random bytes',
    (o) => {
      alice(o).wrapped_key = Buffer.alloc(337, 7).toString('base64');
    },
    notMember,
  );
  accEdit(
    'wrapped_key decodes to nothing',
    (o) => {
      alice(o).wrapped_key = 'AAAA';
    },
    notMember,
  );
  const aliceRecipient: string = JSON.parse(accText).members.find((m: Json) => m.member_id === t.aliceId).recipient;
  for (const len of [0, 16, 31, 33, 64]) {
    const e = new Encrypter();
    e.addRecipient(aliceRecipient);
    const w = encodeBase64(await e.encrypt(new Uint8Array(len).fill(1)));
    accEdit(
      `wrapped_key holds ${len} bytes, not 32`,
      (o) => {
        alice(o).wrapped_key = w;
      },
      notMember,
    );
  }
  {
    const e = new Encrypter();
    e.addRecipient(aliceRecipient);
    const w = encodeBase64(await e.encrypt(newProjectKey()));
    accEdit(
      "wrapped_key opens to another project's key",
      (o) => {
        alice(o).wrapped_key = w;
      },
      moved,
    );
  }
  accEdit(
    'recipient is garbage (unused for reading)',
    (o) => {
      alice(o).recipient = 'not-a-recipient';
    },
    'ok',
  );
  accEdit(
    'unknown member fields',
    (o) => {
      alice(o).token_id = 5;
      o.server = true;
    },
    'ok',
  );
  accEdit(
    'removed member keeps a stale wrap',
    (o) => {
      bob(o).status = 'removed';
    },
    'ok',
  );

  // ---------------------------------------------------------------- the .enc store
  const enc = (name: string, content: Content, expect: Expectation | 'ok') =>
    add({ name: `store: ${name}`, files: { [`vault:${STORE}`]: content }, expect });
  const encEdit = (name: string, edit: (o: Json) => unknown, expect: Expectation | 'ok') =>
    enc(name, withJson(encText, edit), expect);
  const badStore = (m: RegExp) => err('bad-store', m);
  const encNotJson = badStore(/secrets\/api\/development\.enc is not valid JSON/);
  for (const cut of truncations(encText, 14)) enc(`truncated at ${cut}`, encText.slice(0, cut), encNotJson);
  enc('empty', '', encNotJson);
  enc('NUL bytes', Buffer.alloc(200), encNotJson);
  enc('random binary', Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 61 + 5) % 256)), encNotJson);
  enc(
    'plaintext store written by mistake',
    JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K', value: CANARY } } }),
    badStore(/missing encrypted store algorithm/),
  );
  enc('Git conflict markers', conflict(encText), badStore(/has unresolved Git conflict markers/));
  enc(
    'conflict between two ciphertexts',
    `<<<<<<< HEAD\n${encText}\n=======\n${prodText}\n>>>>>>> other`,
    badStore(/has unresolved Git conflict markers/),
  );
  enc('huge (65 MB)', { sparse: LARGE }, err('io', /too large/));
  enc('is a folder', { dir: true }, err('io', /is a folder, not a regular file/));
  enc(
    'missing',
    null,
    badStore(/secrets\/api\/development\.enc is missing but kagi\.json lists scope api\/development/),
  );
  enc('a symlink to a file outside the vault', { symlink: '@outside' }, err('io', /is a symbolic link/));
  enc('a dangling symlink', { symlink: '/nonexistent/kagi/store.enc' }, err('io', /is a symbolic link/));
  for (const [what, v] of [
    ['array', []],
    ['string', 'x'],
    ['number', 1],
    ['null', null],
  ] as const) {
    encEdit(`top level is ${what}`, () => v, badStore(/not an encrypted store/));
  }
  for (const [what, v] of [
    ['string "1"', '1'],
    ['-1', -1],
    ['256', 256],
    ['1.5', 1.5],
    ['true', true],
    ['object', {}],
  ] as const) {
    encEdit(
      `version ${what}`,
      (o) => {
        o.version = v;
      },
      badStore(/version must be a number from 0 to 255/),
    );
  }
  for (const v of [0, 7, 255])
    encEdit(
      `version ${v} (accepted: only the range is checked)`,
      (o) => {
        o.version = v;
      },
      'ok',
    );
  encEdit(
    'version missing (accepted)',
    (o) => {
      delete o.version;
    },
    'ok',
  );
  encEdit(
    'algorithm missing',
    (o) => {
      delete o.algorithm;
    },
    badStore(/missing encrypted store algorithm/),
  );
  for (const a of [
    'AES-256-GCM',
    'xchacha20-poly1305',
    'CHACHA20-POLY1305',
    '',
    'XCHACHA20-POLY1305 ',
    5,
    null,
    ['XCHACHA20-POLY1305'],
  ]) {
    encEdit(
      `algorithm ${JSON.stringify(a)}`,
      (o) => {
        o.algorithm = a;
      },
      badStore(/unsupported algorithm/),
    );
  }
  const b64 = badStore(/is not standard padded base64/);
  for (const f of ['nonce', 'ciphertext', 'tag']) {
    encEdit(
      `${f} missing`,
      (o) => {
        delete o[f];
      },
      badStore(new RegExp(`missing ${f}`)),
    );
    encEdit(
      `${f} is a number`,
      (o) => {
        o[f] = 12345;
      },
      badStore(new RegExp(`missing ${f}`)),
    );
    encEdit(
      `${f} is a list of bytes`,
      (o) => {
        o[f] = [...Buffer.from(o[f], 'base64')];
      },
      badStore(new RegExp(`missing ${f}`)),
    );
    encEdit(
      `${f} url-safe`,
      (o) => {
        o[f] = urlSafe(o[f]);
      },
      b64,
    );
    encEdit(
      `${f} with a line break`,
      (o) => {
        o[f] = o[f].slice(0, 4) + '\n' + o[f].slice(4);
      },
      b64,
    );
    encEdit(
      `${f} with a trailing space`,
      (o) => {
        o[f] = o[f] + ' ';
      },
      b64,
    );
    encEdit(
      `${f} hex instead of base64`,
      (o) => {
        o[f] = Buffer.from(o[f], 'base64').toString('hex') + '!';
      },
      b64,
    );
    encEdit(
      `${f} non-canonical last character`,
      (o) => {
        o[f] = nonCanonical(o[f]);
      },
      err(['bad-store'], /is not standard padded base64/),
    );
  }
  encEdit(
    'nonce 12 bytes (short nonce)',
    (o) => {
      o.nonce = Buffer.from(o.nonce, 'base64').subarray(0, 12).toString('base64');
    },
    moved,
  );
  encEdit(
    'nonce 32 bytes',
    (o) => {
      o.nonce = Buffer.concat([Buffer.from(o.nonce, 'base64'), Buffer.alloc(8)]).toString('base64');
    },
    moved,
  );
  encEdit(
    'nonce empty',
    (o) => {
      o.nonce = '';
    },
    moved,
  );
  encEdit(
    'tag 8 bytes',
    (o) => {
      o.tag = Buffer.from(o.tag, 'base64').subarray(0, 8).toString('base64');
    },
    moved,
  );
  encEdit(
    'tag empty',
    (o) => {
      o.tag = '';
    },
    moved,
  );
  encEdit(
    'ciphertext empty',
    (o) => {
      o.ciphertext = '';
    },
    moved,
  );
  encEdit(
    'nonce and tag swapped',
    (o) => {
      [o.nonce, o.tag] = [o.tag, o.nonce];
    },
    moved,
  );
  encEdit(
    'everything empty (under 40 bytes)',
    (o) => {
      o.nonce = '';
      o.ciphertext = '';
      o.tag = '';
    },
    badStore(/too short to be an encrypted store/),
  );
  encEdit(
    '39 bytes in all',
    (o) => {
      o.nonce = Buffer.alloc(23).toString('base64');
      o.ciphertext = '';
      o.tag = Buffer.alloc(16).toString('base64');
    },
    badStore(/too short/),
  );
  const parsedEnc = JSON.parse(encText);
  const bitsOf = (f: string) => Buffer.from(parsedEnc[f], 'base64').length * 8;
  for (const [f, count] of [
    ['nonce', 12],
    ['ciphertext', 24],
    ['tag', 16],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const bit = Math.floor(((bitsOf(f) - 1) * i) / (count - 1));
      encEdit(
        `${f} bit ${bit} flipped`,
        (o) => {
          o[f] = flipBit(o[f], bit);
        },
        moved,
      );
    }
  }
  encEdit(
    'aad edited to another scope (ignored, as in Rust)',
    (o) => {
      o.aad = encodeBase64(Buffer.from(scopeAad('api/production')));
    },
    'ok',
  );
  encEdit(
    'aad missing (ignored)',
    (o) => {
      delete o.aad;
    },
    'ok',
  );
  encEdit(
    'aad is a number (ignored)',
    (o) => {
      o.aad = 1;
    },
    'ok',
  );
  encEdit(
    'unknown fields',
    (o) => {
      o.kind = 'file';
      o.extra = [1, 2];
    },
    'ok',
  );
  enc('store moved from api/production', prodText, moved);
  enc('store moved from the root scope', rootText, moved);
  const sealAs = (aad: string, plain: string | Uint8Array, key = t.key) =>
    serializeEnvelope(seal(key, aad, typeof plain === 'string' ? Buffer.from(plain) : plain));
  const validPlain = JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K', value: CANARY } } });
  enc('sealed with another key', sealAs(scopeAad(SCOPE), validPlain, newProjectKey()), moved);
  enc('sealed with the all-zero key', sealAs(scopeAad(SCOPE), validPlain, new Uint8Array(32)), moved);
  enc('sealed for scope "API/development"', sealAs(scopeAad('API/development'), validPlain), moved);
  enc('sealed with a trailing slash in the AAD', sealAs(scopeAad('api/development/'), validPlain), moved);
  enc('sealed as a file artifact', sealAs(artifactAad('file', t.projectId, 'index'), validPlain), moved);
  const plainBad = (m: RegExp) => badStore(m);
  const plainCases: [string, string | Uint8Array, Expectation | 'ok'][] = [
    ['not JSON (holding the canary)', `name=${CANARY}`, plainBad(/is not valid JSON/)],
    ['JSON cut short (holding the canary)', validPlain.slice(0, -3), plainBad(/is not valid JSON/)],
    ['a list', `["${CANARY}"]`, plainBad(/decrypted content is not an object/)],
    ['a string', JSON.stringify(CANARY), plainBad(/decrypted content is not an object/)],
    ['no name', JSON.stringify({ secrets: {} }), plainBad(/decrypted content has no "name"/)],
    ['name is a number', JSON.stringify({ name: 5, secrets: {} }), plainBad(/decrypted content has no "name"/)],
    ['no secrets', JSON.stringify({ name: SCOPE }), plainBad(/has no "secrets" object/)],
    ['secrets is a list', JSON.stringify({ name: SCOPE, secrets: [CANARY] }), plainBad(/has no "secrets" object/)],
    ['secrets is a string', JSON.stringify({ name: SCOPE, secrets: CANARY }), plainBad(/has no "secrets" object/)],
    [
      'a numeric value',
      JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K', value: 5 } } }),
      plainBad(/non-string value for K/),
    ],
    [
      'a boolean value',
      JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K', value: true } } }),
      plainBad(/non-string value for K/),
    ],
    [
      'a null value',
      JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K', value: null } } }),
      plainBad(/non-string value for K/),
    ],
    [
      'a missing value',
      JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K' } } }),
      plainBad(/non-string value for K/),
    ],
    [
      'a value object holding the canary',
      JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K', value: { v: CANARY } } } }),
      plainBad(/non-string value for K/),
    ],
    [
      'a secret that is a bare string',
      JSON.stringify({ name: SCOPE, secrets: { K: CANARY } }),
      plainBad(/non-string value for K/),
    ],
    [
      'a numeric description',
      JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K', value: CANARY, description: 1 } } }),
      plainBad(/non-string description for K/),
    ],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), plainBad(/is not valid UTF-8/)],
    [
      'conflict markers inside',
      `<<<<<<< HEAD\n${validPlain}\n=======\n`,
      plainBad(/has unresolved Git conflict markers/),
    ],
    ['empty plaintext', '', plainBad(/is not valid JSON/)],
    ['a wrong name (kept, as in Rust)', JSON.stringify({ name: 'api/production', secrets: {} }), 'ok'],
    [
      'description null (accepted)',
      JSON.stringify({ name: SCOPE, secrets: { K: { key: 'K', value: 'v', description: null } } }),
      'ok',
    ],
    [
      'secret.key differs from the map key (map key wins)',
      JSON.stringify({ name: SCOPE, secrets: { K: { key: 'OTHER', value: 'v' } } }),
      'ok',
    ],
    [
      'a "__proto__" secret name',
      '{"name":"api/development","secrets":{"__proto__":{"key":"__proto__","value":"v"}}}',
      'ok',
    ],
  ];
  for (const [what, plain, expect] of plainCases)
    enc(`sealed plaintext: ${what}`, sealAs(scopeAad(SCOPE), plain), expect);

  // ---------------------------------------------------------------- rotation journal
  const journalRel = `data:projects/${t.projectId}.rotation.json`;
  const validJournal = { version: 1, project_id: t.projectId, access_json: accText, files: { [STORE]: encText } };
  const jrn = (name: string, content: Content, expect: Expectation | 'ok') =>
    add({ name: `journal: ${name}`, files: { [journalRel]: content }, expect });
  const jrnEdit = (name: string, edit: (o: Json) => unknown, expect: Expectation | 'ok') =>
    jrn(name, withJson(JSON.stringify(validJournal), edit), expect);
  const unsafe = err('journal', /rotation journal .*: refusing unsafe path/);
  for (const p of [
    '../kagi.json',
    '../../../../tmp/owned.enc',
    '/etc/passwd',
    'secrets/../access.json',
    'secrets/../../outside.enc',
    'secrets\\api\\development.enc',
    'secrets//x.enc',
    'secrets/./x.enc',
    'kagi.json',
    'access.json',
    '',
    'secrets',
    'secrets/',
    'secrets/api/..',
  ]) {
    jrnEdit(
      `files path ${JSON.stringify(p)}`,
      (o) => {
        o.files[p] = encText;
      },
      unsafe,
    );
  }
  for (const p of [
    'files/../kagi.json',
    '../files/index.enc',
    'files/kgf_x/../../a.enc',
    STORE,
    'files/index.json',
    'files/kgf_a.b.enc',
  ]) {
    jrnEdit(
      `artifacts path ${JSON.stringify(p)}`,
      (o) => {
        o.artifacts = { [p]: encText };
      },
      unsafe,
    );
  }
  for (const [what, v] of [
    ['2', 2],
    ['"1"', '1'],
    ['missing', undefined],
    ['null', null],
  ] as const) {
    jrnEdit(
      `version ${what}`,
      (o) => {
        o.version = v;
      },
      err('journal', /unsupported version/),
    );
  }
  for (const [what, v] of [
    ['another project', 'kgp_AAAAAAAAAAAA'],
    ['missing', undefined],
    ['a number', 7],
  ] as const) {
    jrnEdit(
      `project_id ${what}`,
      (o) => {
        o.project_id = v;
      },
      err('journal', /belongs to project/),
    );
  }
  for (const [what, v] of [
    ['missing', undefined],
    ['a number', 5],
    ['an object', JSON.parse(accText)],
  ] as const) {
    jrnEdit(
      `access_json ${what}`,
      (o) => {
        o.access_json = v;
      },
      err('journal', /access_json is missing/),
    );
  }
  for (const [what, v] of [
    ['missing', undefined],
    ['a list', [encText]],
    ['a string', encText],
  ] as const) {
    jrnEdit(
      `files ${what}`,
      (o) => {
        o.files = v;
      },
      err('journal', /files must be an object/),
    );
  }
  jrnEdit(
    'a file content that is a number',
    (o) => {
      o.files[STORE] = 1;
    },
    err('journal', /must be a string/),
  );
  jrnEdit(
    'artifacts a list',
    (o) => {
      o.artifacts = [];
    },
    err('journal', /artifacts must be an object/),
  );
  const jText = JSON.stringify(validJournal, null, 2);
  for (const cut of truncations(jText, 6))
    jrn(`truncated at ${cut}`, jText.slice(0, cut), err('journal', /not valid JSON/));
  jrn('Git conflict markers', conflict(jText), err('journal', /unresolved Git conflict markers/));
  jrn('top level is a list', '[]', err('journal', /not an object/));
  jrn('huge (65 MB)', { sparse: LARGE }, err('io', /too large/));
  // A journal's content is written verbatim over the vault: check it before the first write.
  jrnEdit(
    'access_json that is not JSON',
    (o) => {
      o.access_json = `garbage ${CANARY}`;
    },
    err('journal', /access_json/),
  );
  jrnEdit(
    'access_json without an active owner',
    (o) => {
      o.access_json = JSON.stringify({
        version: '2',
        members: [{ ...JSON.parse(accText).members[0], role: 'member' }],
      });
    },
    err('journal', /access_json/),
  );
  jrnEdit(
    'a store that is not an envelope',
    (o) => {
      o.files[STORE] = `{"name":"api/development","secrets":{"K":{"key":"K","value":"${CANARY}"}}}`;
    },
    err('journal', /secrets\/api\/development\.enc/),
  );
  jrnEdit(
    'a store with conflict markers',
    (o) => {
      o.files[STORE] = conflict(encText);
    },
    err('journal', /secrets\/api\/development\.enc/),
  );

  // ---------------------------------------------------------------- the device identity
  const idRel = 'data:identities/default.agekey';
  const idText = t.data['identities/default.agekey']!.toString('utf8');
  const notBare = err('no-identity', /is not a bare age X25519 identity/);
  const id = (name: string, content: Content, expect: Expectation | 'ok') =>
    add({ name: `identity: ${name}`, files: { [idRel]: content }, expect });
  id('age-keygen style with comment lines', `# created: 2026-01-01\n# public key: age1xyz\n${idText}\n`, notBare);
  id('lowercase', idText.toLowerCase(), notBare);
  id('truncated', idText.slice(0, -5), notBare);
  id('empty', '', notBare);
  id('binary', Buffer.from([0, 1, 2, 255]), notBare);
  id('two keys', `${idText}\n${idText}`, notBare);
  id('a post-quantum identity', 'AGE-SECRET-KEY-PQ-1' + 'Q'.repeat(60), notBare);
  id('missing', null, err('no-identity', /has no kagi identity/));
  id('is a folder', { dir: true }, err('io', /is a folder, not a regular file/));
  id('trailing newline (accepted)', `${idText}\n`, 'ok');
  id("another device's identity", await generateX25519Identity(), notMember);

  // ---------------------------------------------------------------- key variables
  const key = (
    name: string,
    env: Record<string, string>,
    expect: Expectation | 'ok',
    files: Record<string, Content> = {},
  ) => add({ name: `key: ${name}`, files, env, expect });
  const badKey = err('bad-key', /invalid project key in KAGI_PROJECT_KEY: expected 64 hex characters/);
  const hex = Buffer.from(t.key).toString('hex');
  for (const [what, v] of [
    ['empty', ''],
    ['63 hex', hex.slice(1)],
    ['65 hex', hex + 'a'],
    ['non-hex', 'z' + hex.slice(1)],
    ['base64', encodeBase64(t.key)],
    ['inner space', hex.slice(0, 32) + ' ' + hex.slice(32)],
    ['0x prefix', '0x' + hex.slice(2)],
    ['NUL inside', hex.slice(0, 10) + '\0' + hex.slice(11)],
  ] as const) {
    key(`KAGI_PROJECT_KEY ${what}`, { KAGI_PROJECT_KEY: v }, badKey);
  }
  key('KAGI_PROJECT_KEY of another project', { KAGI_PROJECT_KEY: Buffer.from(newProjectKey()).toString('hex') }, moved);
  key('KAGI_PROJECT_KEY uppercase with whitespace (accepted)', { KAGI_PROJECT_KEY: ` ${hex.toUpperCase()}\n` }, 'ok');
  key(
    'KAGI_PROJECT_KEY_FILE missing',
    { KAGI_PROJECT_KEY_FILE: '/nonexistent/kagi.key' },
    err('bad-key', /KAGI_PROJECT_KEY_FILE points to \/nonexistent\/kagi\.key, which does not exist/),
  );
  key(
    'KAGI_PROJECT_KEY_FILE garbage',
    { KAGI_PROJECT_KEY_FILE: '@data/ci.key' },
    err('bad-key', /invalid project key in KAGI_PROJECT_KEY_FILE/),
    { 'data:ci.key': 'not a key' },
  );
  key(
    'KAGI_PROJECT_KEY_FILE is a folder',
    { KAGI_PROJECT_KEY_FILE: '@data/projects' },
    err('io', /is a folder, not a regular file/),
  );
  key('cached key file garbage and no identity', {}, err('bad-key', /invalid project key in .*\.key/), {
    [`data:projects/${t.projectId}.key`]: 'garbage',
    [idRel]: null,
  });

  cases.push(...handWritten(t));
  cases.push(...(await boundsAndSpecialCases(t)));
  return cases;
}

/** test/fixtures/hostile/cases.json: whole-file replacements written by hand. */
function handWritten(t: Template): HostileCase[] {
  const dir = path.join(REPO, 'test', 'fixtures', 'hostile');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')) as {
    name: string;
    target: string;
    file: string;
    code?: string;
    message?: string;
  }[];
  return manifest.map((m) => {
    const raw = fs.readFileSync(path.join(dir, m.file), 'utf8').replaceAll('{{PROJECT_ID}}', t.projectId);
    return {
      name: `hand-written: ${m.name}`,
      files: { [m.target.replaceAll('{{PROJECT_ID}}', t.projectId)]: raw },
      expect: m.code ? { codes: m.code.split('|'), message: new RegExp(m.message ?? '.') } : 'ok',
    };
  });
}

export interface DotenvCase {
  name: string;
  content: string | Buffer;
  /** undefined: the file is odd but valid */
  message?: RegExp;
}

/** Hostile .env files (issue 8, point 4): each is refused as bad-dotenv, naming the file (and line). */
export function buildDotenvCorpus(): DotenvCase[] {
  const out: DotenvCase[] = [];
  const add = (name: string, content: string | Buffer, message?: RegExp) =>
    out.push({ name, content, ...(message ? { message } : {}) });
  const binary = /line \d+: binary content|not UTF-8 text/;
  const base = `# database\nDB_URL=postgres://x\nAPI_KEY=${CANARY}\nEMPTY=\n`;
  for (const at of [0, 5, 20, base.length - 2, base.length])
    add(`NUL at ${at}`, base.slice(0, at) + '\0' + base.slice(at), binary);
  add('NUL bytes only', Buffer.alloc(64), binary);
  add('random binary', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 167 + 11) % 256)), binary);
  add(
    'a PNG header',
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(base)]),
    binary,
  );
  add(
    'invalid UTF-8 in a value',
    Buffer.concat([Buffer.from('A='), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`\nB=${CANARY}\n`)]),
    binary,
  );
  add('UTF-16 encoded', Buffer.from('\ufeff' + base, 'utf16le'), binary);
  add('ESC and BEL (terminal escapes) are kept as data, not refused', `A=${CANARY}\x1b[31m\x07\n`);
  add('a 10 MB line', `A=${CANARY}${'x'.repeat(10 * 1024 * 1024)}\n`, /line 1: the line is \d+ characters long/);
  add(
    'a 200 KB line after valid lines',
    `${base}B=${'y'.repeat(200 * 1024)}\n`,
    /line 5: the line is \d+ characters long/,
  );
  add('5 MB of short lines', `${'K=v\n'.repeat(1_300_000)}`, /larger than/);
  for (const q of ['"', "'", '`']) {
    add(
      `unterminated ${q} quote at the end`,
      `${base}BAD=${q}${CANARY}`,
      /line 5: the value of BAD opens a . quote that is not closed/,
    );
    add(
      `unterminated ${q} quote swallowing the next entry`,
      `BAD=${q}${CANARY}\nNEXT=${q}x${q}\n`,
      /line 1: the value of BAD opens a . quote/,
    );
    add(`a lone ${q}`, `A=${q}\n`, /line 1: the value of A opens a . quote that is not closed/);
  }
  add('__proto__ key', `__proto__=${CANARY}\n`, /line 1: the key __proto__ cannot be used/);
  add('empty file', '');
  add('only comments and blank lines', '# a\n\n#b\n\n');
  add('CRLF line endings', base.replace(/\n/g, '\r\n'));
  add('a BOM', '\ufeff' + base);
  add('export prefixes and inline comments', `export A=1 # one\nexport B="two" # two\n`);
  add('Git conflict markers (not entries: ignored lines)', `<<<<<<< HEAD\nA=1\n=======\nA=2\n>>>>>>> x\n`);
  add('a key with spaces is not an entry', `MY KEY=${CANARY}\n`);
  return out;
}
