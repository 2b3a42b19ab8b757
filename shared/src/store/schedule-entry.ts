import type { AnyBulkWriteOperation } from 'mongoose';
import { groupedUpserts } from './grouped-upserts';
import type { Models } from './models';
import { scheduleEntryUpsert, type ScheduleBucketDoc } from './models/schedule-bucket';

type Filing = { schedule: string; id: string; atMs: number; nowMs: number };

/** The filings of one batch as one `$addToSet` upsert per bucket (each single-document, atomic on both stores). */
function filingOps(filings: readonly Filing[]): AnyBulkWriteOperation<ScheduleBucketDoc>[] {
  const byBucket = new Map<string, { update: ReturnType<typeof scheduleEntryUpsert>['update']; ids: Set<string> }>();
  for (const f of filings) {
    const { filter, update } = scheduleEntryUpsert(f.schedule, f.id, f.atMs, f.nowMs);
    const group = byBucket.get(filter._id);
    if (group) group.ids.add(f.id);
    else byBucket.set(filter._id, { update, ids: new Set([f.id]) });
  }
  return [...byBucket].map(([_id, g]) => ({
    updateOne: {
      filter: { _id },
      update: { $setOnInsert: g.update.$setOnInsert, $addToSet: { ids: { $each: [...g.ids] } } },
      upsert: true,
    },
  }));
}

// Records filed together by concurrent callers of this process (producers creating sends, sends recorded sent) go
// out in one bulkWrite, as activity lines do.
const writerFor = groupedUpserts<Filing, AnyBulkWriteOperation<ScheduleBucketDoc>, Models['ScheduleBucket']>(filingOps);

/**
 * Files one record on a schedule at `atMs` (never before the minute of `nowMs`): what a producer sends next to the
 * insert of the record it creates, or a worker next to the write that starts the record's next wait. Resolves once
 * written; filings of concurrent callers share one bulkWrite.
 */
export function fileOnSchedule(
  models: Pick<Models, 'ScheduleBucket'>,
  schedule: string,
  id: string,
  atMs: number,
  nowMs: number,
): Promise<void> {
  return writerFor(models.ScheduleBucket).add({ schedule, id, atMs, nowMs });
}
