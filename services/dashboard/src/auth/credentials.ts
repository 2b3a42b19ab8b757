import { createHash, timingSafeEqual } from 'node:crypto';

export interface OperatorCredentials {
  user: string;
  password: string;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time check of a presented user/password pair. Both sides are hashed first so neither the comparison
 * nor an early length mismatch reveals how much of a guess was right; both halves are always compared.
 */
export function credentialsMatch(expected: OperatorCredentials, user: string, password: string): boolean {
  const userOk = timingSafeEqual(digest(user), digest(expected.user));
  const passwordOk = timingSafeEqual(digest(password), digest(expected.password));
  return userOk && passwordOk;
}
