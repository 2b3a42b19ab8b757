import { createHash, randomBytes } from 'node:crypto';

export const CONNECT_ATTEMPT_TTL_MS = 10 * 60_000;

/** The OAuth state: 256 random bits. Only its hash is stored, so a store dump cannot complete anyone's flow. */
export function newConnectState(): string {
  return randomBytes(32).toString('base64url');
}

export function hashConnectState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}
