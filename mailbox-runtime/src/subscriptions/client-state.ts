import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// The per-subscription clientState: a random secret Graph echoes in every notification (at most 128 characters).

export function newClientState(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant time whatever the lengths: both sides hashed first, then compared with timingSafeEqual. */
export function clientStateMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
