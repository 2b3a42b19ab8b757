import type { Redis } from 'ioredis';
import { acquireLock, type HeldLock } from '../tokens/refresh-lock';

// Never two syncs of one mailbox at once, across processes: besides the one job id per connection, a Redis lease
// that a stalled or duplicate job cannot get while a run holds it.

const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export const SYNC_LOCK_TTL_MS = 120_000;

/** Inside the queue prefix's hash tag, like the other locks. */
export function syncLockKey(prefix: string, connectionId: string): string {
  return `${prefix}:lock:inbox-sync:${connectionId}`;
}

export interface SyncLock extends HeldLock {
  /** Keeps the lease for another ttl; false when it was lost (a run that lost its lease stops). */
  extend(): Promise<boolean>;
}

export async function acquireSyncLock(redis: Redis, prefix: string, connectionId: string, ttlMs = SYNC_LOCK_TTL_MS): Promise<SyncLock | null> {
  const lock = await acquireLock(redis, syncLockKey(prefix, connectionId), ttlMs);
  if (!lock) return null;
  return {
    ...lock,
    async extend() {
      return (await redis.eval(EXTEND, 1, lock.key, lock.token, String(ttlMs))) === 1;
    },
  };
}

export class SyncLockLostError extends Error {
  override name = 'SyncLockLostError';
}
