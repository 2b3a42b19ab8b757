import type { Models } from '@outlook-connect/shared';
import { addToSchedule } from './schedule-store';

/**
 * The bucketed schedule the subscription sweep reads (schedule_buckets `_id` prefix): each connection that reads mail
 * filed at the minute of its grant (its subscription is created after connect), then at its record's `nextCheckAt`
 * (renewal or retry) whenever a creation, a renewal or a failure is recorded. The sweep moves an entry on to its
 * record's next check and drops it once the connection wants no subscription and has no record.
 */
export const INBOX_SUBSCRIPTION_SCHEDULE = 'inbox-subscription';

type ScheduleModels = Pick<Models, 'ScheduleBucket' | 'ScheduleCursor'>;

/** Files connections on the subscription schedule (one upsert per bucket, one round trip). */
export async function addToSubscriptionSchedule(
  models: ScheduleModels,
  entries: ReadonlyArray<{ _id: string; atMs: number }>,
  nowMs: number,
): Promise<void> {
  await addToSchedule(
    models,
    INBOX_SUBSCRIPTION_SCHEDULE,
    entries.map((e) => ({ id: e._id, atMs: e.atMs })),
    nowMs,
  );
}
