import { runtimeCommands } from '@outlook-connect/mailbox-runtime';
import { redisKeys } from '@outlook-connect/queues';
import type { RedisConnection } from '@outlook-connect/queues';

// Per-endpoint concurrency as a Redis semaphore (BullMQ's group keys are Pro-only): a busy endpoint's job goes back
// delayed without using an attempt, so its worker slot serves other endpoints and one slow endpoint blocks no other.

export type SlotAnswer = { ok: true; release(): Promise<void> } | { ok: false; retryAt: number };

export async function acquireEndpointSlot(opts: {
  redis: RedisConnection;
  prefix: string;
  endpointId: string;
  leaseId: string;
  max: number;
  leaseMs: number;
  now: number;
}): Promise<SlotAnswer> {
  const keys = redisKeys.webhookEndpoint(opts.prefix, opts.endpointId);
  const [ok, , hint] = (await runtimeCommands(opts.redis).ocAcquireSlot(
    keys.slots,
    keys.pausedUntil,
    opts.now,
    opts.leaseId,
    opts.now + opts.leaseMs,
    opts.max,
    opts.leaseMs * 2,
  )) as [number, string?, number?];
  if (ok === 1) return { ok: true, release: async () => void (await opts.redis.zrem(keys.slots, opts.leaseId)) };
  // Try again soon (a slot frees within a timeout at most), spread so waiting jobs do not come back together.
  return {
    ok: false,
    retryAt: Math.min(Number(hint ?? opts.now), opts.now + 1000) + 50 + Math.floor(Math.random() * 200),
  };
}
