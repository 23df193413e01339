// The vault's own reader of age files (src/vault/crypto/ageFile.ts) against two independent
// implementations: Go `age` (Debian package `age`) writes, and age-encryption's Decrypter
// judges every damaged copy the same way ours must.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient, armor } from 'age-encryption';
import { AgeFormatError, openAgeFile, sealAgeFile } from '../../src/vault/crypto/ageFile';
import {
  AgeKeyError,
  ageRecipient,
  generateAgeIdentity,
  parseAgeIdentity,
  parseAgeRecipient,
  type AgeIdentity,
} from '../../src/vault/crypto/ageKeys';
import { x25519, x25519Backend, x25519Base } from '../../src/vault/crypto/x25519';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { x25519 as fallbackCurve } from '../../src/vault/crypto/x25519Curve';
import { openChaCha20Poly1305, sealChaCha20Poly1305 } from '../../src/vault/crypto/aead';
import { AGE_KEYGEN, GO_AGE, requirePeers } from './peers';
import { tempDir } from './helpers';

/** Go age's encryption of `plaintext` to `recipients` (binary, not armored). */
function goEncrypt(plaintext: Uint8Array, recipients: string[]): Uint8Array {
  const args = recipients.flatMap((r) => ['-r', r]);
  return new Uint8Array(execFileSync('age', args, { input: plaintext, stdio: ['pipe', 'pipe', 'pipe'] }));
}

/** Go age's decryption of `file` with the identity `secret` (in a temp file, as age reads it). */
function goDecrypt(file: Uint8Array, secret: string): Uint8Array {
  const dir = tempDir('kagi-age-file-');
  fs.writeFileSync(path.join(dir, 'id'), `${secret}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'file.age'), file);
  return new Uint8Array(execFileSync('age', ['-d', '-i', path.join(dir, 'id'), path.join(dir, 'file.age')]));
}

async function newIdentity(): Promise<{ secret: string; recipient: string; id: AgeIdentity }> {
  const secret = await generateX25519Identity();
  return { secret, recipient: await identityToRecipient(secret), id: parseAgeIdentity(secret) };
}

/** What age-encryption makes of a file: its plaintext, or the fact that it refused. */
async function referenceOpen(file: Uint8Array, secret: string): Promise<Uint8Array | 'refused'> {
  const d = new Decrypter();
  d.addIdentity(secret);
  try {
    return await d.decrypt(file);
  } catch {
    return 'refused';
  }
}

/** The same question put to our reader: not ours (undefined) and malformed (thrown) are both a refusal. */
function ourOpen(file: Uint8Array, id: AgeIdentity): Uint8Array | 'refused' {
  try {
    return openAgeFile(file, id) ?? 'refused';
  } catch (e) {
    assert.ok(e instanceof AgeFormatError, `only AgeFormatError escapes, got ${String(e)}`);
    return 'refused';
  }
}

describe('age files: our reader against Go age', () => {
  before(function () {
    requirePeers(this, [GO_AGE, AGE_KEYGEN]);
  });

  it('opens what `age -r` wrote, for payloads from empty to one full 64 KiB chunk', async () => {
    const me = await newIdentity();
    for (const size of [0, 1, 16, 32, 33, 1000, 65_535, 65_536]) {
      const plaintext = randomBytes(size);
      assert.deepEqual(
        openAgeFile(goEncrypt(plaintext, [me.recipient]), me.id),
        new Uint8Array(plaintext),
        `${size} B`,
      );
    }
  });

  it('refuses a payload of two chunks instead of opening part of it', async () => {
    const me = await newIdentity();
    const file = goEncrypt(randomBytes(65_537), [me.recipient]);
    assert.throws(() => openAgeFile(file, me.id), /more than one chunk/);
  });

  it('finds its stanza among several, and answers "not for me" when none is', async () => {
    const [me, a, b] = [await newIdentity(), await newIdentity(), await newIdentity()];
    const key = randomBytes(32);
    assert.deepEqual(openAgeFile(goEncrypt(key, [a.recipient, me.recipient, b.recipient]), me.id), new Uint8Array(key));
    assert.equal(openAgeFile(goEncrypt(key, [a.recipient, b.recipient]), me.id), undefined);
  });

  it('derives the recipient `age-keygen -y` derives, and refuses an identity with a bad checksum', async () => {
    const file = path.join(tempDir('kagi-age-file-'), 'key.txt');
    execFileSync('age-keygen', ['-o', file], { stdio: 'ignore' });
    const secret = fs.readFileSync(file, 'utf8').match(/^AGE-SECRET-KEY-1\S+$/m)![0];
    const expected = execFileSync('age-keygen', ['-y', file]).toString().trim();
    assert.equal(ageRecipient(parseAgeIdentity(secret)), expected);
    const last = secret.at(-1) === 'Q' ? 'P' : 'Q';
    assert.throws(() => parseAgeIdentity(secret.slice(0, -1) + last), AgeKeyError);
    assert.throws(() => parseAgeIdentity(secret.toLowerCase().replace('age-secret-key-1', 'AGE-SECRET-KEY-1')));
  });
});

describe('age files: our reader judges damage as age-encryption does', () => {
  it('every one-byte change and every truncation of a wrap is refused by both', async function () {
    this.timeout(120_000);
    const me = await newIdentity();
    const other = await newIdentity();
    const e = new Encrypter();
    e.addRecipient(other.recipient);
    e.addRecipient(me.recipient);
    const key = randomBytes(32);
    const file = await e.encrypt(key);
    assert.deepEqual(ourOpen(file, me.id), new Uint8Array(key), 'the undamaged file opens');
    const variants: Uint8Array[] = [];
    for (let at = 0; at < file.length; at++) {
      for (const flip of [0x01, 0x20, 0x80]) {
        const damaged = new Uint8Array(file);
        damaged[at]! ^= flip;
        variants.push(damaged);
      }
      variants.push(file.subarray(0, at));
    }
    // The header MAC covers every stanza, the other recipient's too, and the tag the payload:
    // no variant opens, but each must be refused by both, never opened by ours alone.
    for (const v of variants) {
      assert.deepEqual(ourOpen(v, me.id), await referenceOpen(v, me.secret), `a variant of ${v.length} bytes`);
    }
  });

  it('skips stanzas of other types (grease) before and after its own, whatever their body length', async () => {
    const me = await newIdentity();
    for (const bodyBytes of [0, 47, 48, 96, 100]) {
      const grease = { wrapFileKey: () => [{ args: ['grease-x', 'a', 'b'], body: randomBytes(bodyBytes) }] };
      const e = new Encrypter();
      e.addRecipient(grease as never);
      e.addRecipient(me.recipient);
      e.addRecipient(grease as never);
      const file = await e.encrypt(new Uint8Array([1, 2, 3]));
      assert.deepEqual(ourOpen(file, me.id), await referenceOpen(file, me.secret), `grease body of ${bodyBytes} B`);
      assert.deepEqual(ourOpen(file, me.id), new Uint8Array([1, 2, 3]));
    }
  });

  it('refuses an armored file, a malformed X25519 stanza and a low-order share, as errors', async () => {
    const me = await newIdentity();
    const e = new Encrypter();
    e.addRecipient(me.recipient);
    const file = await e.encrypt(randomBytes(32));
    const armored = new TextEncoder().encode(armor.encode(file));
    assert.throws(() => openAgeFile(armored, me.id), /not a binary age v1 file/);
    const text = Buffer.from(file).toString('latin1');
    const share = text.match(/^-> X25519 (\S+)$/m)![1]!;
    const withArgs = (args: string) => Buffer.from(text.replace(`-> X25519 ${share}`, `-> X25519 ${args}`), 'latin1');
    assert.throws(() => openAgeFile(withArgs(`${share} extra`), me.id), /invalid X25519 stanza/);
    assert.throws(() => openAgeFile(withArgs(share.slice(0, 40)), me.id), /invalid X25519 stanza/);
    const lowOrder = Buffer.alloc(32).toString('base64').replace(/=+$/, '');
    assert.throws(() => openAgeFile(withArgs(lowOrder), me.id), /low-order/);
    assert.equal(await referenceOpen(withArgs(lowOrder), me.secret), 'refused');
  });
});

describe("age files: a wrap the Rust CLI's age crate wrote", () => {
  // The `wrapped_key` of the one member in BANG88/kagi v0.1.10's tests/.kagi/access.json (MIT):
  // an X25519 stanza and the crate's random grease stanza (`-> \l-grease p#`, a two-line
  // body). Its identity was never published, so only the parse can be checked: a foreign
  // identity must get "not mine", never a format error.
  const RUST_WRAP = Buffer.from(
    'YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBiLzlvekJPNG9pTm03R1N0VFhac0N5amdxdFAvY2R1T2swN21Zbk5KM1Q0Ci9ORER3cVAzb1dGYWNoSTgrUHNUM213QkRQRFpRTHlsZHlIMFpyclh6eHcKLT4gXGwtZ3JlYXNlIHAjCkNEY1ZKelRvSUQvTDdtLzBRdzZQa1dzQkEvcy8zV2dVbnVFNGxzYXZOcWZodktjSWw0bmxxeTZxbEtWcjl3dEEKNkQ3Um43Y3pPV01NVFp2VTVKYWN3d2sKLS0tIFNQMUFtSlNrTFhlcS81Yyt6Yk53WnFDZklqVUUwdW1jQjhFVW5WWXlWa1UKicga+56HyBSLMsbD2RHoMhTtTD2zHZR2l0V6mTdTbgfZ+iqcyeFFe7Ln2cm2/XNCab0Jg89dD2iN97UFaDa2eg==',
    'base64',
  );

  it('parses, skips the grease stanza, and is not for a foreign identity', async () => {
    assert.match(RUST_WRAP.toString('latin1'), /\n-> \S+-grease /);
    const foreign = await newIdentity();
    assert.equal(openAgeFile(new Uint8Array(RUST_WRAP), foreign.id), undefined);
  });
});

describe('age files: our writer, read by Go age and age-encryption', () => {
  before(function () {
    requirePeers(this, [GO_AGE]);
  });

  it('`age -d` and age-encryption open what it seals, from empty to one full chunk', async () => {
    const me = await newIdentity();
    for (const size of [0, 1, 32, 65_536]) {
      const plaintext = new Uint8Array(randomBytes(size));
      const file = sealAgeFile(plaintext, me.recipient);
      assert.deepEqual(goDecrypt(file, me.secret), plaintext, `${size} B, Go age`);
      assert.deepEqual(await referenceOpen(file, me.secret), plaintext, `${size} B, age-encryption`);
      assert.deepEqual(openAgeFile(file, me.id), plaintext, `${size} B, ours`);
    }
  });

  it('draws a new file key, share and nonce every time: two seals of one key differ in every part', async () => {
    const me = await newIdentity();
    const key = randomBytes(32);
    const [a, b] = [sealAgeFile(key, me.recipient), sealAgeFile(key, me.recipient)];
    const lines = (f: Uint8Array) => Buffer.from(f).toString('latin1').split('\n').slice(1, 4);
    for (const [x, y] of lines(a).map((l, i) => [l, lines(b)[i]])) assert.notEqual(x, y);
    assert.notDeepEqual(a.subarray(-64), b.subarray(-64));
  });

  it('refuses a payload of two chunks and a recipient that is not age X25519', async () => {
    const me = await newIdentity();
    assert.throws(() => sealAgeFile(new Uint8Array(65_537), me.recipient), /more than one chunk/);
    assert.throws(() => sealAgeFile(new Uint8Array(32), me.recipient.replace('age1', 'agf1')), AgeKeyError);
    assert.throws(() => sealAgeFile(new Uint8Array(32), me.recipient.slice(0, -1) + 'q'), AgeKeyError);
  });
});

describe('age keys', () => {
  before(function () {
    requirePeers(this, [AGE_KEYGEN]);
  });

  it('a generated identity is what age-keygen makes: `age-keygen -y` derives the same recipient', async () => {
    for (let i = 0; i < 5; i++) {
      const secret = generateAgeIdentity();
      assert.match(secret, /^AGE-SECRET-KEY-1[02-9ACDEFGHJKLMNPQRSTUVWXYZ]{58}$/);
      const file = path.join(tempDir('kagi-age-keys-'), 'key.txt');
      fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
      const expected = execFileSync('age-keygen', ['-y', file]).toString().trim();
      assert.equal(ageRecipient(parseAgeIdentity(secret)), expected);
      assert.equal(await identityToRecipient(secret), expected);
      assert.deepEqual(parseAgeRecipient(expected), parseAgeIdentity(secret).publicKey);
    }
  });

  it("refuses a recipient in an identity's place and the other way round", async () => {
    const me = await newIdentity();
    assert.throws(() => parseAgeIdentity(me.recipient), AgeKeyError);
    assert.throws(() => parseAgeRecipient(me.secret), AgeKeyError);
  });
});

describe('X25519 over node:crypto', () => {
  it("runs on Node's own crypto here, its keys made from JWK (the pure-JS curve is the fallback)", () => {
    assert.equal(x25519Backend(), 'node:crypto');
  });

  it("derives the public keys and shared secrets @noble/curves' x25519 derives", () => {
    for (let i = 0; i < 20; i++) {
      const [a, b] = [randomBytes(32), randomBytes(32)];
      const pubB = x25519Base(b);
      assert.deepEqual(pubB, nobleX25519.scalarMultBase(b));
      assert.deepEqual(x25519(a, pubB), nobleX25519.scalarMult(a, pubB));
      assert.deepEqual(x25519(a, pubB), x25519(b, x25519Base(a)));
    }
  });

  it('refuses a low-order point (an all-zero secret) and keys that are not 32 bytes', () => {
    assert.throws(() => x25519(randomBytes(32), new Uint8Array(32)));
    assert.throws(() => x25519Base(new Uint8Array(31)), /32 bytes/);
    assert.throws(() => x25519(randomBytes(32), new Uint8Array(33)), /32 bytes/);
  });

  it('stays on node:crypto after OpenSSL refuses a low-order point (the input is at fault, not the runtime)', () => {
    assert.throws(() => x25519(randomBytes(32), new Uint8Array(32)));
    assert.equal(x25519Backend(), 'node:crypto');
  });
});

describe("the fallback curve (x25519Curve.ts: @noble/curves' ladder without ed25519)", () => {
  const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

  it("gives RFC 7748's test vectors (§ 5.2 and the § 6.1 exchange)", () => {
    const out = fallbackCurve.scalarMult(
      hex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      hex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
    );
    assert.equal(Buffer.from(out).toString('hex'), 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
    const alice = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bob = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const bobPublic = fallbackCurve.scalarMultBase(bob);
    assert.equal(
      Buffer.from(fallbackCurve.scalarMultBase(alice)).toString('hex'),
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    assert.equal(
      Buffer.from(bobPublic).toString('hex'),
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    );
    assert.equal(
      Buffer.from(fallbackCurve.scalarMult(alice, bobPublic)).toString('hex'),
      '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
    );
  });

  it("agrees with @noble/curves' ed25519.js x25519 and with node:crypto on random keys", () => {
    for (let i = 0; i < 10; i++) {
      const [a, b] = [randomBytes(32), randomBytes(32)];
      const pubB = fallbackCurve.scalarMultBase(b);
      assert.deepEqual(pubB, nobleX25519.scalarMultBase(b));
      assert.deepEqual(pubB, x25519Base(b));
      assert.deepEqual(fallbackCurve.scalarMult(a, pubB), x25519(a, pubB));
    }
  });

  it("refuses a low-order point, and leaves the caller's scalar as it was (clamping works on a copy)", () => {
    const scalar = new Uint8Array(32).fill(0xff);
    assert.throws(() => fallbackCurve.scalarMult(scalar, new Uint8Array(32)));
    const one = new Uint8Array(32);
    one[0] = 1;
    assert.throws(() => fallbackCurve.scalarMult(scalar, one));
    fallbackCurve.scalarMultBase(scalar);
    assert.deepEqual(scalar, new Uint8Array(32).fill(0xff));
  });
});

describe('ChaCha20-Poly1305 (RFC 8439) as age uses it', () => {
  it('seals what @noble/ciphers seals, opens it, and throws on a changed tag', () => {
    for (let i = 0; i < 20; i++) {
      const [key, nonce, plaintext] = [randomBytes(32), randomBytes(12), randomBytes(i * 7)];
      const sealed = chacha20poly1305(key, nonce).encrypt(plaintext);
      assert.deepEqual(sealChaCha20Poly1305(key, nonce, plaintext), sealed);
      assert.deepEqual(openChaCha20Poly1305(key, nonce, sealed), new Uint8Array(plaintext));
      sealed[sealed.length - 1]! ^= 1;
      assert.throws(() => openChaCha20Poly1305(key, nonce, sealed));
    }
  });
});
