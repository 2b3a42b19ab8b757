import { findSubscription, pushHealth } from '@outlook-connect/mailbox-runtime';
import { inboxSyncRequestedAt, type QueueClient } from '@outlook-connect/queues';
import type { Models } from '@outlook-connect/shared';
import type { Redis } from 'ioredis';
import type { InboxPolicy } from '../inbox/inbox-policy';
import { nextPollDelayMs } from '../inbox/poll-schedule';
import { pollIntervalMs } from './poll-interval';
import type { PushPolicy } from './push-policy';

export interface NextSyncDeps {
  models: Pick<Models, 'InboxSubscription'>;
  queues: Pick<QueueClient, 'prefix'>;
  redis: Redis;
  now: () => number;
  inboxPolicy: InboxPolicy;
  pushPolicy?: PushPolicy;
}

/**
 * The delay after a completed pass: 0 when a notification asked for a sync after this run started (it may have
 * missed that change); otherwise the poll interval its push health allows (healthy: the slow safety interval).
 */
export async function nextSyncDelayMs(
  deps: NextSyncDeps,
  connectionId: string,
  runStartedAtMs: number,
  random: number,
): Promise<number> {
  const requested = await inboxSyncRequestedAt(deps.queues, deps.redis, connectionId);
  if (requested !== null && requested >= runStartedAtMs) return 0;
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
