import { redisKeys } from '@outlook-connect/queues';
import { acquireLease, type HeldLease } from '@outlook-connect/mailbox-runtime';
import type { RedisConnection } from '@outlook-connect/queues';

// Never two syncs of one mailbox at once, across processes: besides the one job id per connection, a Redis lease
// that a stalled or duplicate job cannot get while a run holds it.

export const SYNC_LOCK_TTL_MS = 120_000;

/** Extend keeps the lease for another ttl; false when it was lost (a run that lost its lease stops). */
export type SyncLock = HeldLease;

export async function acquireSyncLock(
  redis: RedisConnection,
  prefix: string,
  connectionId: string,
  ttlMs = SYNC_LOCK_TTL_MS,
): Promise<SyncLock | null> {
  return acquireLease(redis, redisKeys.syncLock(prefix, connectionId), ttlMs);
}

export class SyncLockLostError extends Error {
  override name = 'SyncLockLostError';
}
