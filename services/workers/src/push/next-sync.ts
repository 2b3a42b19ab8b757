import { findSubscription, pushHealth } from '@outlook-connect/mailbox-runtime';
import { inboxSyncRerunDelayMs, markInboxSyncStarted, type QueueClient } from '@outlook-connect/queues';
import type { Models } from '@outlook-connect/shared';
import type { RedisConnection } from '@outlook-connect/queues';
import type { InboxPolicy } from '../inbox/inbox-policy';
import { nextPollDelayMs } from '../inbox/poll-schedule';
import { pollIntervalMs } from './poll-interval';
import type { PushPolicy } from './push-policy';

export interface NextSyncDeps {
  models: Pick<Models, 'InboxSubscription'>;
  queues: Pick<QueueClient, 'prefix'>;
  redis: RedisConnection;
  now: () => number;
  inboxPolicy: InboxPolicy;
  pushPolicy?: PushPolicy;
}

/** Recorded when a sync run starts: notifications after it bring one more run (requestInboxSync). */
export async function syncRunStarted(deps: NextSyncDeps, connectionId: string, startedAtMs: number): Promise<void> {
  if (deps.pushPolicy?.publicUrl) await markInboxSyncStarted(deps.queues, deps.redis, connectionId, startedAtMs);
}

/**
 * The delay after a completed pass: the rest of the push spacing window when a notification asked for a sync after this run started (it may have
 * missed that change); otherwise the poll interval its push health allows (healthy: the slow safety interval).
 */
export async function nextSyncDelayMs(
  deps: NextSyncDeps,
  connectionId: string,
  runStartedAtMs: number,
  random: number,
): Promise<number> {
  const rerun = await inboxSyncRerunDelayMs(deps.queues, deps.redis, connectionId, runStartedAtMs);
  if (rerun !== null) return rerun;
  const publicUrl = deps.pushPolicy?.publicUrl ?? null;
  const health = publicUrl
    ? pushHealth(await findSubscription(deps.models, connectionId), deps.now(), true)
    : ({ healthy: false, reason: 'push_off' } as const);
  const interval = pollIntervalMs(
    deps.inboxPolicy.pollIntervalMs,
    deps.pushPolicy?.safetyPollMs ?? deps.inboxPolicy.pollIntervalMs,
    health,
  );
  return nextPollDelayMs({ ...deps.inboxPolicy, pollIntervalMs: interval }, 0, random);
}
