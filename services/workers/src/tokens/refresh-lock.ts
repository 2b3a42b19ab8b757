import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

// Deletes the key only if it still holds our token: a lock that expired and was taken by another process is not ours to free.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface HeldLock {
  key: string;
  token: string;
  /** False when the lease had expired (another process may have taken it). */
  release(): Promise<boolean>;
}

/** Key of a connection's refresh lock, inside the queue prefix's hash tag (same Redis Cluster slot, cleaned with it). */
export function refreshLockKey(prefix: string, connectionId: string): string {
  return `${prefix}:lock:token-refresh:${connectionId}`;
}

/** SET NX PX with a random token: the one refresh of a connection across every process. Null when someone holds it. */
export async function acquireLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | null> {
  const token = randomBytes(16).toString('hex');
  const ok = await redis.set(key, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
  if (ok !== 'OK') return null;
  return {
    key,
    token,
    async release() {
      return (await redis.eval(RELEASE, 1, key, token)) === 1;
    },
  };
}

/** Whether anyone holds the lock now (waiters poll this with the store). */
export async function isLocked(redis: Redis, key: string): Promise<boolean> {
  return (await redis.exists(key)) === 1;
}
