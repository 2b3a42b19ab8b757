import { createHash, randomBytes } from 'node:crypto';

/** A new workspace API key; shown once, stored only as its sha256. */
export function newApiKey(): string {
  return `ock_${randomBytes(24).toString('base64url')}`;
}

/** What a key list shows of a key: enough to tell keys apart, far too little to use. */
export function keyPrefix(key: string): string {
  return key.slice(0, 8);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
