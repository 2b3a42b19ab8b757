import { addToSchedule, type DueEntry } from '@outlook-connect/mailbox-runtime';
import {
  CALENDAR_OPEN_SCHEDULE,
  SEND_CONFIRM_SCHEDULE,
  SEND_OPEN_SCHEDULE,
  type Models,
} from '@outlook-connect/shared';
import type { Model } from 'mongoose';

// Sends and calendar operations stored before the operation sweep's schedules existed have no entry on them: this
// one-off task files the open ones (and the sent sends whose Sent Items copy is still pending) once, so the sweep
// heals them as it heals the records filed since. Like `reply-key-backfill`: the records in `_id` order, at most
// `batch x maxBatches` a run read through one cursor (a scan of the collection per run on FerretDB), its place kept in
// a mark in `schedule_cursors` (`~backfill:<collection>`), so a restart continues there. The sends first, then the
// calendar operations; once both marks say done, a run is two `_id` reads.

export interface OperationBackfillDeps {
  models: Pick<Models, 'Send' | 'CalendarOperation' | 'ScheduleBucket' | 'ScheduleCursor'>;
  now: () => number;
}

export interface OperationBackfillOptions {
  /** Records read per page. */
  batch: number;
  /** Pages per run; the next run continues. */
  maxBatches: number;
}

export const DEFAULT_OPERATION_BACKFILL: OperationBackfillOptions = { batch: 500, maxBatches: 20 };

export interface OperationBackfillResult {
  done: boolean;
  read: number;
  filed: number;
}

interface Row {
  _id: string;
  status: string;
  sentItemsStatus?: string | null;
}

interface Target {
  mark: string;
  model: Model<Record<string, unknown>>;
  fields: Record<string, 1>;
  /** The schedule a stored record belongs on now (null: none, it is finished). */
  scheduleOf(row: Row): string | null;
}

const SEND_OPEN = new Set(['queued', 'scheduled', 'sending']);
const CALENDAR_OPEN = new Set(['queued', 'running']);

const targets = (models: OperationBackfillDeps['models']): Target[] => [
  {
    mark: '~backfill:sends',
    model: models.Send as unknown as Model<Record<string, unknown>>,
    fields: { _id: 1, status: 1, sentItemsStatus: 1 },
    scheduleOf: (r) =>
      SEND_OPEN.has(r.status)
        ? SEND_OPEN_SCHEDULE
        : r.status === 'sent' && r.sentItemsStatus === 'pending'
          ? SEND_CONFIRM_SCHEDULE
          : null,
  },
  {
    mark: '~backfill:calendar_operations',
    model: models.CalendarOperation as unknown as Model<Record<string, unknown>>,
    fields: { _id: 1, status: 1 },
    scheduleOf: (r) => (CALENDAR_OPEN.has(r.status) ? CALENDAR_OPEN_SCHEDULE : null),
  },
];

export async function backfillOperations(
  deps: OperationBackfillDeps,
  opts: OperationBackfillOptions = DEFAULT_OPERATION_BACKFILL,
): Promise<OperationBackfillResult> {
  const { ScheduleCursor } = deps.models;
  const result: OperationBackfillResult = { done: true, read: 0, filed: 0 };
  const share = opts.batch * opts.maxBatches;
  const list = targets(deps.models);
  for (const [i, target] of list.entries()) {
    const mark = await ScheduleCursor.findById(target.mark).lean();
    if (mark?.done === true) continue;
    let after = mark?.after ?? null;
    let read = 0;
    const file = async (rows: Row[], done: boolean) => {
      const now = deps.now();
      const bySchedule = new Map<string, DueEntry[]>();
      for (const r of rows) {
        const schedule = target.scheduleOf(r);
        if (schedule) bySchedule.set(schedule, [...(bySchedule.get(schedule) ?? []), { id: r._id, atMs: now }]);
      }
      // Filed at now: the sweep reads each record and moves its entry to when it needs a look.
      for (const [schedule, entries] of bySchedule) {
        await addToSchedule(deps.models, schedule, entries, now);
        result.filed += entries.length;
      }
      if (rows.length) after = rows[rows.length - 1]!._id;
      // The entries first, then the mark: a crash in between files the same records again ($addToSet), never skips one.
      await ScheduleCursor.updateOne(
        { _id: target.mark },
        { $set: { after, done }, $setOnInsert: { minute: 0 } },
        { upsert: true },
      );
    };
    const cursor = target.model
      .find(after ? { _id: { $gt: after } } : {}, target.fields)
      .sort({ _id: 1 })
      .limit(share)
      .batchSize(opts.batch)
      .lean()
      .cursor();
    let page: Row[] = [];
    for await (const row of cursor as AsyncIterable<Row>) {
      read += 1;
      page.push(row);
      if (page.length === opts.batch && read < share) {
        await file(page, false);
        page = [];
      }
    }
    result.read += read;
    // Fewer than a run's share left: this collection is done. One collection's scan per run.
    const done = read < share;
    await file(page, done);
    result.done = done && i === list.length - 1;
    return result;
  }
  return result;
}
