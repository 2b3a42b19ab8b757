import { randomBytes } from 'node:crypto';
import { createSecretBox, generateKeyringSpec, SecretDecryptError } from './secret-box';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('SecretBox', () => {
  it('round-trips and never contains the plaintext', () => {
    const box = createSecretBox(generateKeyringSpec('k1'));
    const c = box.encrypt('refresh-token-value', 'connection:1:refreshToken');
    expect(c).toMatch(/^v1\.k1\./);
    expect(c).not.toContain('refresh-token-value');
    expect(box.decrypt(c, 'connection:1:refreshToken')).toBe('refresh-token-value');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('rotates: new writes use the current key, old ciphertexts still read', () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const old = createSecretBox(k1).encrypt('secret');
    const rotated = createSecretBox(`${k2},${k1}`);
    expect(rotated.decrypt(old)).toBe('secret');
    expect(rotated.needsReencrypt(old)).toBe(true);
    const fresh = rotated.encrypt('secret');
    expect(fresh).toMatch(/^v1\.k2\./);
    expect(rotated.needsReencrypt(fresh)).toBe(false);
    expect(() => createSecretBox(k1).decrypt(fresh)).toThrow(/key "k2", which is not in SECRETS_KEYS/);
  });

  it('rejects tampering, a wrong context and garbage', () => {
    const box = createSecretBox(key('k1'));
    const c = box.encrypt('secret', 'ctx');
    const parts = c.split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => box.decrypt(parts.join('.'), 'ctx')).toThrow(SecretDecryptError);
    expect(() => box.decrypt(c, 'other')).toThrow(SecretDecryptError);
    expect(() => box.decrypt('plain-text')).toThrow(SecretDecryptError);
  });

  it('refuses a truncated authentication tag (GCM would accept 4 bytes) and a wrong-sized IV', () => {
    const box = createSecretBox(key('k1'));
    const parts = box.encrypt('secret', 'ctx').split('.');
    for (const len of [4, 8, 12, 15]) {
      const short = [...parts];
      short[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, len).toString('base64url');
      expect(() => box.decrypt(short.join('.'), 'ctx')).toThrow(/malformed IV or authentication tag/);
    }
    const badIv = [...parts];
    badIv[2] = Buffer.alloc(16).toString('base64url');
    expect(() => box.decrypt(badIv.join('.'), 'ctx')).toThrow(/malformed IV or authentication tag/);
    expect(box.decrypt(parts.join('.'), 'ctx')).toBe('secret');
  });

  it('refuses bad keyrings', () => {
    expect(() => createSecretBox('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => createSecretBox(`${key('a')},${key('a')}`)).toThrow(/duplicate/);
  });
});
