import type { QueueClient } from './queue-client';
import type { ScheduleOutcome } from './inbox-sync';

// The producer side of push. One long-lived `inbox-subscription` job per connection (job id from the connection id):
// each run re-delays the same job to the subscription's next renewal; the subscription sweep re-creates it from the store.

export function inboxSubscriptionJobId(connectionId: string): string {
  return `inbox-subscription-${connectionId}`;
}

/** Puts the connection's subscription job on the queue unless it is there (waiting, delayed or running). */
export async function scheduleInboxSubscription(
  queues: QueueClient,
  connectionId: string,
  delayMs = 0,
): Promise<ScheduleOutcome> {
  const queue = queues.queue('inbox-subscription');
  const id = inboxSubscriptionJobId(connectionId);
  const state = await queue.getJobState(id);
  if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return 'exists';
  if (state !== 'unknown') await queue.remove(id);
  await queues.enqueue('inbox-subscription', { connectionId }, { jobId: id, delay: Math.max(0, Math.round(delayMs)) });
  return 'added';
}

/**
 * Looks at the connection's subscription now (connected, reconnected, disconnected, a lifecycle notification):
 * promotes its delayed job, or schedules one. A job running right now reads the store again on its next run.
 */
export async function checkInboxSubscriptionNow(
  queues: QueueClient,
  connectionId: string,
): Promise<ScheduleOutcome | 'promoted'> {
  const job = await queues.queue('inbox-subscription').getJob(inboxSubscriptionJobId(connectionId));
  if (job && (await job.isDelayed())) {
    await job.promote();
    return 'promoted';
  }
  return scheduleInboxSubscription(queues, connectionId);
}
