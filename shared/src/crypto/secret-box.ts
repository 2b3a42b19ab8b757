import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Format: v1.<keyId>.<iv>.<tag>.<ciphertext> (base64url). The key id lets keys rotate: new writes use the current
// key, reads accept every listed key. The optional context is bound as AAD so a ciphertext cannot be moved to
// another record or field.

const VERSION = 'v1';
const IV_BYTES = 12;
// GCM accepts tags as short as 4 bytes unless told otherwise; a short tag makes forgery cheap, so only 16 is valid.
const TAG_BYTES = 16;

export class SecretDecryptError extends Error {
  override name = 'SecretDecryptError';
}

export interface SecretBox {
  readonly currentKeyId: string;
  encrypt(plaintext: string, context?: string): string;
  decrypt(ciphertext: string, context?: string): string;
  /** True when the value was written with a key that is no longer current. */
  needsReencrypt(ciphertext: string): boolean;
}

export function parseKeyring(spec: string): Array<{ id: string; key: Buffer }> {
  const keys = spec.split(',').map((pair) => {
    const idx = pair.indexOf(':');
    if (idx <= 0) throw new Error('SECRETS_KEYS entries must be keyId:base64key');
    const id = pair.slice(0, idx).trim();
    const key = Buffer.from(pair.slice(idx + 1).trim(), 'base64');
    if (key.length !== 32) throw new Error(`SECRETS_KEYS key "${id}" must decode to 32 bytes, got ${key.length}`);
    return { id, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('SECRETS_KEYS has a duplicate key id');
  return keys;
}

export function createSecretBox(spec: string): SecretBox {
  const keyring = parseKeyring(spec);
  const current = keyring[0]!;
  const byId = new Map(keyring.map((k) => [k.id, k.key]));

  return {
    currentKeyId: current.id,
    encrypt(plaintext, context = '') {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        current.id,
        iv.toString('base64url'),
        tag.toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    decrypt(ciphertext, context = '') {
      const parts = ciphertext.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION)
        throw new SecretDecryptError('not an encrypted secret of a known format');
      const [, keyId, iv, tag, body] = parts as [string, string, string, string, string];
      const key = byId.get(keyId);
      if (!key) throw new SecretDecryptError(`secret was encrypted with key "${keyId}", which is not in SECRETS_KEYS`);
      const ivBytes = Buffer.from(iv, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
        throw new SecretDecryptError('secret has a malformed IV or authentication tag');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptError('secret failed authentication (tampered, wrong key or wrong context)');
      }
    },
    needsReencrypt(ciphertext) {
      return ciphertext.split('.')[1] !== current.id;
    },
  };
}

/** A fresh keyring spec with one random key, for sandboxes and tests. */
export function generateKeyringSpec(keyId = `k${Date.now().toString(36)}`): string {
  return `${keyId}:${randomBytes(32).toString('base64')}`;
}
