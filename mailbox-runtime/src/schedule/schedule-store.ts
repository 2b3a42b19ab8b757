import type { AnyBulkWriteOperation } from 'mongoose';
import { isDuplicateKeyError, type Models, type ScheduleBucketDoc } from '@outlook-connect/shared';
import { createGroupWriter, type GroupWriter } from '../timeline/group-writer';
import { bucketIdsOf, groupByBucket, minuteOf, type DueEntry } from './due-buckets';

// The store side of a bucketed due-time schedule: every filter is on `_id` (FerretDB's one indexed filter), every
// write a single-document upsert or update, grouped into one bulkWrite.

type ScheduleModels = Pick<Models, 'ScheduleBucket' | 'ScheduleCursor'>;

/** Bucket ids per `$in` (FerretDB's `_id` pushdown takes up to 10,000). */
const IDS_PER_QUERY = 2_000;

function addOps(schedule: string, entries: readonly DueEntry[], notBefore?: number) {
  return [...groupByBucket(schedule, entries, notBefore)].map(([_id, g]): AnyBulkWriteOperation<ScheduleBucketDoc> => ({
    updateOne: {
      filter: { _id },
      update: { $setOnInsert: { schedule, minute: g.minute }, $addToSet: { ids: { $each: g.ids } } },
      upsert: true,
    },
  }));
}

/**
 * Puts records on the schedule at their due times (one upsert per bucket, one round trip). A due time already past is
 * filed in the current minute (`nowMs`): a bucket behind the sweep's window is never read again, so an overdue record
 * filed there would be lost to the schedule.
 */
export async function addToSchedule(
  models: ScheduleModels,
  schedule: string,
  entries: readonly DueEntry[],
  nowMs: number,
): Promise<void> {
  if (entries.length)
    await models.ScheduleBucket.bulkWrite(addOps(schedule, entries, minuteOf(nowMs)), { ordered: false });
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
 * before `notBefore`), in one bulkWrite; then the buckets it emptied are deleted (only if still empty).
 */
export async function applyScheduleChanges(
  models: ScheduleModels,
  schedule: string,
  changes: { pulls: Map<string, string[]>; moves: DueEntry[]; notBefore: number; emptied: string[] },
): Promise<void> {
  const ops: AnyBulkWriteOperation<ScheduleBucketDoc>[] = addOps(schedule, changes.moves, changes.notBefore);
  for (const [_id, ids] of changes.pulls)
    if (ids.length) ops.push({ updateOne: { filter: { _id }, update: { $pullAll: { ids } } } });
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

type Filing = { schedule: string; entry: DueEntry; nowMs: number };

// One group writer per store: records filed together by concurrent jobs of this process (sends recorded sent) go out
// in one bulkWrite, as their activity lines do, and each caller still awaits its own entry.
const filers = new WeakMap<ScheduleModels['ScheduleBucket'], GroupWriter<Filing>>();

function filerFor(model: ScheduleModels['ScheduleBucket']): GroupWriter<Filing> {
  let writer = filers.get(model);
  if (!writer) {
    writer = createGroupWriter<Filing>(async (filings) => {
      const bySchedule = new Map<string, Filing[]>();
      for (const f of filings) bySchedule.set(f.schedule, [...(bySchedule.get(f.schedule) ?? []), f]);
      const nowMs = Math.max(...filings.map((f) => f.nowMs));
      const ops = [...bySchedule].flatMap(([schedule, fs]) =>
        addOps(
          schedule,
          fs.map((f) => f.entry),
          minuteOf(nowMs),
        ),
      );
      try {
        await model.bulkWrite(ops, { ordered: false });
      } catch (err) {
        // Two first upserts of one bucket raced (a unique `_id`): the document exists now, so the same writes go through.
        if (!isDuplicateKeyError(err)) throw err;
        await model.bulkWrite(ops, { ordered: false });
      }
    });
    filers.set(model, writer);
  }
  return writer;
}

/**
 * Files one record on a schedule at `atMs` (not before the minute of `nowMs`), grouped with the filings of concurrent
 * callers in one bulkWrite: for a hot path that files one record next to a write it already makes.
 */
export function fileOnScheduleGrouped(
  models: Pick<ScheduleModels, 'ScheduleBucket'>,
  schedule: string,
  entry: DueEntry,
  nowMs: number,
): Promise<void> {
  return filerFor(models.ScheduleBucket).add({ schedule, entry, nowMs });
}
