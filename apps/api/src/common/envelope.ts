import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretString } from './secret-string';

/**
 * Envelope encryption of provider keys (Node's crypto, AES-256-GCM):
 * - a fresh 32-byte data key (DEK) per stored key version encrypts the secret;
 * - a key-encryption key (KEK) from the configured keyring wraps the DEK;
 * - both ciphertexts carry associated data binding them to purpose + team + record + provider
 *   (and the wrap to the KEK id), so a ciphertext copied to another row or team fails to decrypt.
 * Layout of each blob: 12-byte nonce | ciphertext | 16-byte tag.
 */
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;
const PURPOSE = 'tollgate/provider-key/v1';

export interface Keyring {
  primaryId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export interface EnvelopeBinding {
  teamId: string;
  recordId: string;
  provider: string;
}

export interface SealedSecret {
  ciphertext: Buffer;
  wrappedKey: Buffer;
  kekId: string;
}

export class VaultError extends Error {
  constructor(readonly reason: 'unknown_kek' | 'decrypt_failed' | 'malformed') {
    // Never include key material or ciphertext in the message.
    super(`provider key could not be decrypted (${reason})`);
    this.name = 'VaultError';
  }
}

function aad(binding: EnvelopeBinding, layer: 'secret' | 'dek', kekId?: string): Buffer {
  const parts = [PURPOSE, layer, `team=${binding.teamId}`, `record=${binding.recordId}`, `provider=${binding.provider}`];
  if (kekId) parts.push(`kek=${kekId}`);
  return Buffer.from(parts.join('|'), 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, associated: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associated);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function open(key: Buffer, blob: Buffer, associated: Buffer): Buffer {
  if (!Buffer.isBuffer(blob) || blob.length < NONCE_BYTES + TAG_BYTES + 1) throw new VaultError('malformed');
  const nonce = blob.subarray(0, NONCE_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const body = blob.subarray(NONCE_BYTES, blob.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associated);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new VaultError('decrypt_failed');
  }
}

function kek(keyring: Keyring, id: string): Buffer {
  const k = keyring.keys.get(id);
  if (!k) throw new VaultError('unknown_kek');
  return k;
}

export function encryptSecret(keyring: Keyring, binding: EnvelopeBinding, plaintext: string): SealedSecret {
  const dek = randomBytes(KEY_BYTES);
  try {
    const ciphertext = seal(dek, Buffer.from(plaintext, 'utf8'), aad(binding, 'secret'));
    const wrappedKey = seal(kek(keyring, keyring.primaryId), dek, aad(binding, 'dek', keyring.primaryId));
    return { ciphertext, wrappedKey, kekId: keyring.primaryId };
  } finally {
    dek.fill(0);
  }
}

export function decryptSecret(keyring: Keyring, binding: EnvelopeBinding, sealed: SealedSecret): SecretString {
  const dek = open(kek(keyring, sealed.kekId), sealed.wrappedKey, aad(binding, 'dek', sealed.kekId));
  try {
    if (dek.length !== KEY_BYTES) throw new VaultError('malformed');
    const plain = open(dek, sealed.ciphertext, aad(binding, 'secret'));
    const secret = new SecretString(plain.toString('utf8'));
    plain.fill(0);
    return secret;
  } finally {
    dek.fill(0);
  }
}

/**
 * Decrypted secrets of the sealed values a process holds (the gateway's key ring), kept exactly as
 * long as it holds them: a WeakMap keyed by the sealed object itself, so an entry goes when the ring
 * drops its copy of the row (reload, invalidation, rotation), and no key material is ever a map key.
 * Two AES-GCM opens per gateway request were ~6% of the API's CPU (bench profile). The plaintext was
 * in this process' memory on every request anyway, next to the keyring that opens every key; a
 * failed open is not kept, so a bad ciphertext fails every request closed.
 */
export class OpenedSecrets {
  private readonly opened = new WeakMap<SealedSecret, { binding: EnvelopeBinding; secret: SecretString }>();

  open(keyring: Keyring, binding: EnvelopeBinding, sealed: SealedSecret): SecretString {
    const hit = this.opened.get(sealed);
    if (hit && hit.binding.teamId === binding.teamId && hit.binding.recordId === binding.recordId && hit.binding.provider === binding.provider) return hit.secret;
    const secret = decryptSecret(keyring, binding, sealed);
    this.opened.set(sealed, { binding: { teamId: binding.teamId, recordId: binding.recordId, provider: binding.provider }, secret });
    return secret;
  }
}

/** Re-wraps the data key under the primary KEK; the secret's ciphertext is untouched. */
export function rewrapKey(keyring: Keyring, binding: EnvelopeBinding, sealed: SealedSecret): SealedSecret {
  if (sealed.kekId === keyring.primaryId) return sealed;
  const dek = open(kek(keyring, sealed.kekId), sealed.wrappedKey, aad(binding, 'dek', sealed.kekId));
  try {
    return { ciphertext: sealed.ciphertext, wrappedKey: seal(kek(keyring, keyring.primaryId), dek, aad(binding, 'dek', keyring.primaryId)), kekId: keyring.primaryId };
  } finally {
    dek.fill(0);
  }
}

/** Parses `{"id":"<base64 of 32 bytes>",...}`; throws a message naming the bad entry. */
export function parseKeyring(json: string, primaryId: string): Keyring {
  let obj: unknown;
  try {
    obj = JSON.parse(json);
  } catch {
    throw new Error('must be JSON like {"k1":"<base64 of 32 random bytes>"}');
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('must be a JSON object of key id to base64 key');
  const keys = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(obj as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`key id "${id}" must be 1-32 letters, digits, - or _`);
    const buf = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    if (buf.length !== KEY_BYTES) throw new Error(`key "${id}" must be base64 of exactly 32 bytes`);
    keys.set(id, buf);
  }
  if (keys.size === 0) throw new Error('must hold at least one key');
  if (!keys.has(primaryId)) throw new Error(`primary key id "${primaryId}" is not in the keyring`);
  return { primaryId, keys };
}

/** Last four characters, for display only. */
export function last4(secret: string): string {
  return secret.length <= 8 ? '' : secret.slice(-4);
}
