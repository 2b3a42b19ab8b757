import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '@outlook-connect/queues';
import { commands } from './commands';

export interface HeldLease {
  key: string;
  token: string;
  /** False when the lease had expired (another process may have taken it). */
  release(): Promise<boolean>;
  /** Keeps the lease for another ttl; false when it was lost. */
  extend(): Promise<boolean>;
}

/** SET NX PX with a random token: one holder across every process (the refresh, the inbox sync). Null when held. */
export async function acquireLease(redis: RedisConnection, key: string, ttlMs: number): Promise<HeldLease | null> {
  const token = randomBytes(16).toString('hex');
  const ttl = Math.max(1, Math.ceil(ttlMs));
  const ok = await redis.set(key, token, 'PX', ttl, 'NX');
  if (ok !== 'OK') return null;
  const run = commands(redis);
  return {
    key,
    token,
    async release() {
      return (await run.ocReleaseLease(key, token)) === 1;
    },
    async extend() {
      return (await run.ocExtendLease(key, token, String(ttl))) === 1;
    },
  };
}

/** Whether anyone holds the lease now (waiters poll this with the store). */
export async function isLeased(redis: RedisConnection, key: string): Promise<boolean> {
  return (await redis.exists(key)) === 1;
}
