import type { AnyBulkWriteOperation } from 'mongoose';
import type { Models, ScheduleBucketDoc } from '@outlook-connect/shared';
import { bucketIdsOf, groupByBucket, slotOf, type DueEntry } from './due-buckets';

// The store side of a bucketed due-time schedule: every filter is on `_id` (FerretDB's one indexed filter), every
// write a single-document upsert or update, grouped into one bulkWrite.

type ScheduleModels = Pick<Models, 'ScheduleBucket' | 'ScheduleCursor'>;

/** Bucket ids per `$in` (FerretDB's `_id` pushdown takes up to 10,000). */
const IDS_PER_QUERY = 2_000;

function addOps(schedule: string, entries: readonly DueEntry[], notBefore?: number, slotMs?: number) {
  return [...groupByBucket(schedule, entries, notBefore, slotMs)].map(
    ([_id, g]): AnyBulkWriteOperation<ScheduleBucketDoc> => ({
      updateOne: {
        filter: { _id },
        update: { $setOnInsert: { schedule, minute: g.minute }, $addToSet: { ids: { $each: g.ids } } },
        upsert: true,
      },
    }),
  );
}

/**
 * Puts records on the schedule at their due times (one upsert per bucket, one round trip). A due time already past is
 * filed in the current minute (`nowMs`): a bucket behind the sweep's window is never read again, so an overdue record
 * filed there would be lost to the schedule. `slotMs`: the schedule's bucket width, when narrower than a minute.
 */
export async function addToSchedule(
  models: ScheduleModels,
  schedule: string,
  entries: readonly DueEntry[],
  nowMs: number,
  slotMs?: number,
): Promise<void> {
  if (entries.length)
    await models.ScheduleBucket.bulkWrite(addOps(schedule, entries, slotOf(nowMs, slotMs), slotMs), {
      ordered: false,
    });
}

/** The buckets of the given minute ranges that exist (a minute with nothing due has no document). */
export async function readBuckets(
  models: ScheduleModels,
  schedule: string,
  ranges: ReadonlyArray<[number, number]>,
): Promise<ScheduleBucketDoc[]> {
  const ids = ranges.flatMap(([from, to]) => (to >= from ? bucketIdsOf(schedule, from, to) : []));
  const out: ScheduleBucketDoc[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const found = await models.ScheduleBucket.find({ _id: { $in: ids.slice(i, i + IDS_PER_QUERY) } }).lean();
    out.push(...(found as ScheduleBucketDoc[]));
  }
  return out.sort((a, b) => a.minute - b.minute);
}

/**
 * What a pass learned: entries to drop from their bucket, entries to (re)file at their record's due time (never
 * before `notBefore`), in one bulkWrite; then the buckets it emptied are deleted (only if still empty). `slotMs`: the
 * schedule's bucket width, when narrower than a minute. Never a bucket deleted whole on what the pass read: passes of
 * one schedule can overlap (a pass longer than its interval, two maintenance workers), and one pass's moves can refill
 * a bucket another is emptying with as many entries as it read. With the whole-bucket delete, the operation sweep's
 * FLUSHALL test (operation-sweep.int.test.ts) lost open sends' entries in 2 of 2 runs on merged main; with this, 0 of 2.
 */
export async function applyScheduleChanges(
  models: ScheduleModels,
  schedule: string,
  changes: { pulls: Map<string, string[]>; moves: DueEntry[]; notBefore: number; emptied: string[]; slotMs?: number },
): Promise<void> {
  const ops: AnyBulkWriteOperation<ScheduleBucketDoc>[] = addOps(
    schedule,
    changes.moves,
    changes.notBefore,
    changes.slotMs,
  );
  // An entry moved into the bucket it is pulled from stays: in one unordered bulkWrite the pull could land after the
  // move and take it out (push.int.test.ts lost a subscription's recheck that way).
  const movedInto = new Map(
    [...groupByBucket(schedule, changes.moves, changes.notBefore, changes.slotMs)].map(([_id, g]) => [
      _id,
      new Set(g.ids),
    ]),
  );
  for (const [_id, pulled] of changes.pulls) {
    const staying = movedInto.get(_id);
    const ids = staying ? pulled.filter((id) => !staying.has(id)) : pulled;
    if (ids.length) ops.push({ updateOne: { filter: { _id }, update: { $pullAll: { ids } } } });
  }
  if (ops.length) await models.ScheduleBucket.bulkWrite(ops, { ordered: false });
  if (changes.emptied.length)
    await models.ScheduleBucket.deleteMany({ _id: { $in: changes.emptied }, ids: { $size: 0 } });
}

export async function scheduleCursor(models: ScheduleModels, schedule: string): Promise<number | null> {
  const doc = await models.ScheduleCursor.findById(schedule).lean();
  return doc ? doc.minute : null;
}

export async function saveScheduleCursor(models: ScheduleModels, schedule: string, minute: number): Promise<void> {
  await models.ScheduleCursor.updateOne({ _id: schedule }, { $set: { minute } }, { upsert: true });
}

/** Forgets where a schedule's sweep was: its next pass is a first pass again (it files the records once more). */
export async function clearScheduleCursor(models: ScheduleModels, schedule: string): Promise<void> {
  await models.ScheduleCursor.deleteOne({ _id: schedule });
}
