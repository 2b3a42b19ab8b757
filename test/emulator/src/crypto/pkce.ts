import { createHash, timingSafeEqual } from 'node:crypto';

export type PkceMethod = 'S256' | 'plain';

export const s256Challenge = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** RFC 7636 check: does `verifier` match the `challenge` sent to /authorize? */
export function pkceMatches(challenge: string, method: PkceMethod, verifier: string | undefined): boolean {
  if (!verifier || verifier.length < 43 || verifier.length > 128 || !/^[A-Za-z0-9\-._~]+$/.test(verifier)) return false;
  const computed = method === 'S256' ? s256Challenge(verifier) : verifier;
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
