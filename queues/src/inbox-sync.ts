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
