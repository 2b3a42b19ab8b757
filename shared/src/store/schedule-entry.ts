import { isDuplicateKeyError } from './duplicate-key';
import type { Models } from './models';
import { scheduleEntryUpsert } from './models/schedule-bucket';

/**
 * Files one record on a schedule at `atMs` (one single-document upsert by `_id`): what a producer calls next to the
 * insert of the record it creates. Two first upserts of one bucket can race on its `_id`: the document exists then,
 * so the same write goes through again.
 */
export async function fileOnSchedule(
  models: Pick<Models, 'ScheduleBucket'>,
  schedule: string,
  id: string,
  atMs: number,
  nowMs: number,
): Promise<void> {
  const { filter, update } = scheduleEntryUpsert(schedule, id, atMs, nowMs);
  try {
    await models.ScheduleBucket.updateOne(filter, update, { upsert: true });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    await models.ScheduleBucket.updateOne(filter, update, { upsert: true });
  }
}
