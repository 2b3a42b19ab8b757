import type { Redis } from 'ioredis';
import { redisKeys } from './redis-keys';
import type { QueueClient } from './queue-client';

// The producer side of inbox sync. One long-lived `inbox-sync` job per connection (job id from the connection id): each run re-delays the same job,
// so a mailbox never has two syncs queued; the sync sweep re-creates it when Redis lost it.

export function inboxSyncJobId(connectionId: string): string {
  return `inbox-sync-${connectionId}`;
}

export type ScheduleOutcome = 'added' | 'exists';

/**
 * Puts the connection's sync job on the queue unless it is already there (waiting, delayed or running). A job that
 * finished (stopped polling, or failed its attempts) would swallow the add under the same id, so it is removed first.
 */
export async function scheduleInboxSync(
  queues: QueueClient,
  connectionId: string,
  delayMs = 0,
): Promise<ScheduleOutcome> {
  const queue = queues.queue('inbox-sync');
  const id = inboxSyncJobId(connectionId);
  const state = await queue.getJobState(id);
  if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return 'exists';
  if (state !== 'unknown') await queue.remove(id);
  await queues.enqueue('inbox-sync', { connectionId }, { jobId: id, delay: Math.max(0, Math.round(delayMs)) });
  return 'added';
}

/** Runs the connection's sync now: promotes its delayed job, or schedules one. */
export async function syncInboxNow(queues: QueueClient, connectionId: string): Promise<ScheduleOutcome | 'promoted'> {
  const job = await queues.queue('inbox-sync').getJob(inboxSyncJobId(connectionId));
  if (job && (await job.isDelayed())) {
    await job.promote();
    return 'promoted';
  }
  return scheduleInboxSync(queues, connectionId);
}

/** How long the "a notification asked for a sync" mark lives: longer than any sync run. */
const SYNC_REQUESTED_TTL_SEC = 3_600;

/**
 * A change notification asks for a sync. Marks the request time (a run that started before it runs once more, so a
 * notification landing mid-run is never lost), then brings the sync forward to `debounceMs` from now, once per window:
 * a burst in that window collapses into one sync ('collapsed'). A job waiting or running already is left alone ('exists').
 */
export async function requestInboxSync(
  queues: QueueClient,
  redis: Pick<Redis, 'set'>,
  connectionId: string,
  nowMs: number,
  debounceMs = 0,
): Promise<ScheduleOutcome | 'promoted' | 'collapsed'> {
  await redis.set(
    redisKeys.pushSyncRequested(queues.prefix, connectionId),
    String(nowMs),
    'EX',
    SYNC_REQUESTED_TTL_SEC,
  );
  const window = Math.max(1, Math.round(debounceMs));
  const first = await redis.set(
    redisKeys.pushSyncDebounce(queues.prefix, connectionId),
    String(nowMs),
    'PX',
    window,
    'NX',
  );
  if (first !== 'OK') return 'collapsed';
  if (debounceMs <= 0) return syncInboxNow(queues, connectionId);
  const job = await queues.queue('inbox-sync').getJob(inboxSyncJobId(connectionId));
  if (job && (await job.isDelayed())) {
    await job.changeDelay(Math.round(debounceMs));
    return 'promoted';
  }
  return scheduleInboxSync(queues, connectionId, debounceMs);
}

/** When a notification last asked for a sync of the connection (ms), or null. */
export async function inboxSyncRequestedAt(
  queues: Pick<QueueClient, 'prefix'>,
  redis: Pick<Redis, 'get'>,
  connectionId: string,
): Promise<number | null> {
  const v = await redis.get(redisKeys.pushSyncRequested(queues.prefix, connectionId));
  return v === null ? null : Number(v);
}
