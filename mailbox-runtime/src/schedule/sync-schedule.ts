import type { Models } from '@outlook-connect/shared';
import { slotOf } from './due-buckets';
import { addToSchedule } from './schedule-store';

/**
 * The bucketed schedule the inbox sync sweep reads (schedule_buckets `_id` prefix): each polled connection filed at
 * the slot (`SYNC_SLOT_MS`) its next sync is due (`sync.nextSyncAt`), or at the one it became pollable (a new grant, a
 * recovery). It is the source of truth for who syncs when: the sweep hands each connection due within its horizon to
 * the queue as a job delayed to its next sync (Redis holds nothing else for it), moves an entry on to its
 * connection's next sync and drops it once the connection is not polled. (`inbox-sync`, its name while its buckets
 * were minutes, is read no more: a store that has only that one gets its first pass, which files every polled
 * connection again.)
 */
export const INBOX_SYNC_SCHEDULE = 'inbox-sync-5s';

/**
 * Its buckets' width: a few seconds, so the pass, whose horizon is one 30 s interval, reads the slots of that horizon
 * and little more (with minutes it read the whole minute at its horizon's edge, then read it again next pass).
 */
export const SYNC_SLOT_MS = 5_000;

type ScheduleModels = Pick<Models, 'ScheduleBucket' | 'ScheduleCursor'>;

/** Files connections on the inbox sync schedule (one upsert per bucket, one round trip). */
export async function addToSyncSchedule(
  models: ScheduleModels,
  entries: ReadonlyArray<{ _id: string; atMs: number }>,
  nowMs: number,
): Promise<void> {
  await addToSchedule(
    models,
    INBOX_SYNC_SCHEDULE,
    entries.map((e) => ({ id: e._id, atMs: e.atMs })),
    nowMs,
    SYNC_SLOT_MS,
  );
}

/**
 * Whether a poll that moves a connection's next sync from `previousAt` to `nextAt` must file it: only when it was on
 * no schedule (null) or moves to an earlier slot. A later one costs no write: the sweep moves the entry it reads.
 */
export function syncNeedsFiling(previousAt: Date | null | undefined, nextAt: Date | null): boolean {
  if (!nextAt) return false;
  return !previousAt || slotOf(nextAt.getTime(), SYNC_SLOT_MS) < slotOf(previousAt.getTime(), SYNC_SLOT_MS);
}
