import type { Models } from '@outlook-connect/shared';
import {
  minuteOf,
  openOverMinutesPass,
  saveScheduleCursor,
  scheduleCursor,
  type OverMinutesPassOptions,
} from '@outlook-connect/mailbox-runtime';
import type { Model } from 'mongoose';
import { FIRST_PASS_LOOKBACK_MS, OPERATION_RECHECK_MS } from './operation-schedule';

// What the operation sweep and its follow-up side share: a pass over one of their schedules, and the records of its
// entries read by `_id`.

/** The records of these ids by `_id $in`, `batch` at a time. */
export async function readByIds<T extends { _id: string }>(
  model: Model<Record<string, unknown>>,
  ids: string[],
  fields: Record<string, 1>,
  batch: number,
): Promise<Map<string, T>> {
  const byId = new Map<string, T>();
  for (let i = 0; i < ids.length; i += batch) {
    const found = (await model
      .find({ _id: { $in: ids.slice(i, i + batch) } }, { ...fields, _id: 1 })
      .lean()) as unknown as T[];
    for (const r of found) byId.set(r._id, r);
  }
  return byId;
}

/**
 * A pass over one of the operation sweep's schedules (the minute under way included). Its first pass on a store reads
 * back a day: the producers file from their first record on, which may be before the sweep ever ran. The records
 * stored before the schedules existed are filed by `operation-backfill` (operation-backfill.ts).
 */
export async function openOperationPass(
  models: Pick<Models, 'ScheduleBucket' | 'ScheduleCursor'>,
  schedule: string,
  opts: Pick<OverMinutesPassOptions, 'nowMs' | 'dueAt'>,
) {
  if ((await scheduleCursor(models, schedule)) === null)
    await saveScheduleCursor(models, schedule, minuteOf(opts.nowMs - FIRST_PASS_LOOKBACK_MS));
  return openOverMinutesPass(models, schedule, {
    ...opts,
    recheckMs: OPERATION_RECHECK_MS,
    currentMinute: true,
    firstPass: () => Promise.resolve(0),
  });
}
