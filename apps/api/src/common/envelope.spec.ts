import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { EnvelopeBinding, Keyring, NONCE_BYTES, OpenedSecrets, TAG_BYTES, VaultError, decryptSecret, encryptSecret, parseKeyring, rewrapKey } from './envelope';
import { SecretString } from './secret-string';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ring = (primaryId = 'k1'): Keyring => ({ primaryId, keys: new Map([['k1', k1], ['k2', k2]]) });
const bind = (over: Partial<EnvelopeBinding> = {}): EnvelopeBinding => ({ teamId: randomUUID(), recordId: randomUUID(), provider: 'openai', ...over });

describe('envelope encryption of provider keys', () => {
  it('round-trips 1,000 random keys and never repeats a nonce', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const secret = `sk-${randomBytes(1 + (i % 90)).toString('base64url')}`;
      const b = bind();
      const sealed = encryptSecret(ring(), b, secret);
      expect(decryptSecret(ring(), b, sealed).reveal()).toBe(secret);
      nonces.add(sealed.ciphertext.subarray(0, NONCE_BYTES).toString('hex'));
      nonces.add(sealed.wrappedKey.subarray(0, NONCE_BYTES).toString('hex'));
    }
    expect(nonces.size).toBe(2000);
  });

  it('uses a fresh data key per encryption (same secret, different ciphertexts)', () => {
    const b = bind();
    const a = encryptSecret(ring(), b, 'sk-same');
    const c = encryptSecret(ring(), b, 'sk-same');
    expect(a.ciphertext.equals(c.ciphertext)).toBe(false);
    expect(a.wrappedKey.equals(c.wrappedKey)).toBe(false);
  });

  it('binds ciphertexts to team, record and provider: a copy to another row or team fails', () => {
    const b = bind();
    const sealed = encryptSecret(ring(), b, 'sk-bound');
    for (const other of [{ ...b, teamId: randomUUID() }, { ...b, recordId: randomUUID() }, { ...b, provider: 'anthropic' }]) {
      expect(() => decryptSecret(ring(), other, sealed)).toThrow(VaultError);
    }
    // Swapping the wrapped key of one row onto another row of the same team fails too.
    const b2 = { ...b, recordId: randomUUID() };
    const sealed2 = encryptSecret(ring(), b2, 'sk-other');
    expect(() => decryptSecret(ring(), b, { ...sealed, wrappedKey: sealed2.wrappedKey })).toThrow(VaultError);
    expect(() => decryptSecret(ring(), b, { ...sealed2 })).toThrow(VaultError);
  });

  it('fails closed on flipped bits, a truncated tag, empty ciphertext and an unknown key id', () => {
    const b = bind();
    const sealed = encryptSecret(ring(), b, 'sk-tamper');
    const flip = (buf: Buffer, at: number) => {
      const c = Buffer.from(buf);
      c[at] ^= 0x01;
      return c;
    };
    const cases: Array<[string, () => unknown]> = [
      ['bit in secret body', () => decryptSecret(ring(), b, { ...sealed, ciphertext: flip(sealed.ciphertext, NONCE_BYTES) })],
      ['bit in secret nonce', () => decryptSecret(ring(), b, { ...sealed, ciphertext: flip(sealed.ciphertext, 0) })],
      ['bit in secret tag', () => decryptSecret(ring(), b, { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) })],
      ['bit in wrapped key', () => decryptSecret(ring(), b, { ...sealed, wrappedKey: flip(sealed.wrappedKey, NONCE_BYTES + 3) })],
      ['truncated tag', () => decryptSecret(ring(), b, { ...sealed, ciphertext: sealed.ciphertext.subarray(0, sealed.ciphertext.length - 4) })],
      ['tag cut to 12 bytes', () => decryptSecret(ring(), b, { ...sealed, wrappedKey: sealed.wrappedKey.subarray(0, sealed.wrappedKey.length - (TAG_BYTES - 12)) })],
      ['empty ciphertext', () => decryptSecret(ring(), b, { ...sealed, ciphertext: Buffer.alloc(0) })],
      ['empty wrapped key', () => decryptSecret(ring(), b, { ...sealed, wrappedKey: Buffer.alloc(0) })],
      ['unknown key id', () => decryptSecret(ring(), b, { ...sealed, kekId: 'k9' })],
      ['wrong key id', () => decryptSecret(ring(), b, { ...sealed, kekId: 'k2' })],
    ];
    const opened = cases
      .filter(([, run]) => {
        try {
          run();
          return true;
        } catch (err) {
          return !(err instanceof VaultError);
        }
      })
      .map(([name]) => name);
    expect(opened).toEqual([]);
  });

  it('re-wraps under the new primary without touching the ciphertext', () => {
    const b = bind();
    const sealed = encryptSecret(ring('k1'), b, 'sk-rotate');
    const rotated = rewrapKey(ring('k2'), b, sealed);
    expect(rotated.kekId).toBe('k2');
    expect(rotated.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(rotated.wrappedKey.equals(sealed.wrappedKey)).toBe(false);
    expect(decryptSecret(ring('k2'), b, rotated).reveal()).toBe('sk-rotate');
    // Idempotent: already on the primary.
    expect(rewrapKey(ring('k2'), b, rotated)).toBe(rotated);
    // Once k1 is retired, the rotated record still opens.
    expect(decryptSecret({ primaryId: 'k2', keys: new Map([['k2', k2]]) }, b, rotated).reveal()).toBe('sk-rotate');
  });

  it('errors never carry key material', () => {
    const b = bind();
    const sealed = encryptSecret(ring(), b, 'sk-canary-error');
    try {
      decryptSecret(ring(), { ...b, teamId: randomUUID() }, sealed);
    } catch (err) {
      expect(String(err)).not.toContain('sk-canary');
      expect(JSON.stringify(err)).not.toContain(sealed.ciphertext.toString('base64'));
    }
  });

  it('parses a keyring and names what is wrong', () => {
    const json = JSON.stringify({ a: k1.toString('base64'), b: k2.toString('base64') });
    expect(parseKeyring(json, 'b').keys.size).toBe(2);
    expect(() => parseKeyring(json, 'c')).toThrow(/primary key id "c"/);
    expect(() => parseKeyring(JSON.stringify({ a: 'AAAA' }), 'a')).toThrow(/exactly 32 bytes/);
    expect(() => parseKeyring(JSON.stringify({ 'bad id!': k1.toString('base64') }), 'bad id!')).toThrow(/key id/);
    expect(() => parseKeyring('{}', 'a')).toThrow(/at least one key/);
  });
});

describe('OpenedSecrets (the gateway ring\'s decrypted keys)', () => {
  it('decrypts a held sealed object once: the same plaintext object comes back while it is held', () => {
    const held = new OpenedSecrets();
    const b = bind();
    const sealed = encryptSecret(ring(), b, 'sk-held');
    const first = held.open(ring(), b, sealed);
    expect(first.reveal()).toBe('sk-held');
    expect(held.open(ring(), b, sealed)).toBe(first);
    // A reloaded row is a new object: decrypted afresh, even with the very same bytes.
    const reloaded = { ciphertext: Buffer.from(sealed.ciphertext), wrappedKey: Buffer.from(sealed.wrappedKey), kekId: sealed.kekId };
    const again = held.open(ring(), b, reloaded);
    expect(again).not.toBe(first);
    expect(again.reveal()).toBe('sk-held');
  });

  it('keeps nothing for a failed open and checks the binding on every hit', () => {
    const held = new OpenedSecrets();
    const b = bind();
    const sealed = encryptSecret(ring(), b, 'sk-bound');
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[NONCE_BYTES] ^= 1;
    expect(() => held.open(ring(), b, tampered)).toThrow(VaultError);
    expect(() => held.open(ring(), b, tampered)).toThrow(VaultError);
    expect(held.open(ring(), b, sealed).reveal()).toBe('sk-bound');
    // Held, but asked for under another team or record: opened under that binding, which fails.
    expect(() => held.open(ring(), { ...b, teamId: randomUUID() }, sealed)).toThrow(VaultError);
    expect(() => held.open(ring(), { ...b, recordId: randomUUID() }, sealed)).toThrow(VaultError);
  });
});

describe('SecretString', () => {
  it('prints [REDACTED] every way it can be printed; reveal() gives the value', () => {
    const s = new SecretString('sk-canary-123');
    expect(String(s)).toBe('[REDACTED]');
    expect(`${s}`).toBe('[REDACTED]');
    expect(JSON.stringify({ key: s })).toBe('{"key":"[REDACTED]"}');
    expect(inspect(s)).toBe('[REDACTED]');
    expect(inspect({ nested: { s } })).not.toContain('sk-canary');
    expect(Object.keys(s)).toEqual([]);
    expect(s.reveal()).toBe('sk-canary-123');
  });
});
