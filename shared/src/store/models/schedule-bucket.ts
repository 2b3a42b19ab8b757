import { createHash } from 'node:crypto';
import { Schema } from 'mongoose';

/**
 * One time bucket of a due-time schedule (e.g. `token-refresh`): the ids of the records to look at once that minute
 * comes within a sweep's horizon. Addressed only by `_id` (`<schedule>:<minute>:<shard>`), the one filter FerretDB
 * answers from an index, so a sweep reads the few buckets of its window instead of scanning the fleet. An entry is a
 * hint, never the truth: the sweep reads each record and moves or drops entries whose record says otherwise.
 */
export interface ScheduleBucketDoc {
  _id: string;
  schedule: string;
  /** Minutes since the epoch of the bucket's start. */
  minute: number;
  ids: string[];
}

export const scheduleBucketSchema = new Schema<ScheduleBucketDoc>(
  {
    _id: { type: String, required: true },
    schedule: { type: String, required: true },
    minute: { type: Number, required: true },
    ids: { type: [String], default: () => [] },
  },
  { collection: 'schedule_buckets', minimize: false, versionKey: false },
);

/** Where a schedule's sweep continues (its oldest bucket that may still hold entries). */
export interface ScheduleCursorDoc {
  _id: string;
  minute: number;
  /** Only on a one-off backfill's mark (`~backfill:...`): the last record it filed, and whether it is over. */
  after?: string | null;
  done?: boolean;
  /** Only on the mark of a schedule's move to another (`~moved:...`): the next minute to delete, the last one found. */
  purged?: number;
  lastFound?: number;
}

export const scheduleCursorSchema = new Schema<ScheduleCursorDoc>(
  {
    _id: { type: String, required: true },
    minute: { type: Number, required: true },
    after: { type: String, default: undefined },
    done: { type: Boolean, default: undefined },
    purged: { type: Number, default: undefined },
    lastFound: { type: Number, default: undefined },
  },
  { collection: 'schedule_cursors', minimize: false, versionKey: false },
);

// The bucket key scheme, here with the model so that every writer (the producers in `queues`, the gateway, the
// workers) files where the sweeps read (`mailbox-runtime/src/schedule/due-buckets.ts` re-exports it).

/** One bucket per minute (and shard): fixed, so every process (gateway, workers) writes where the sweep reads. */
export const BUCKET_MS = 60_000;
/** Each minute split in shards, so one bucket document stays small even when many records fall in one minute. */
export const BUCKET_SHARDS = 8;

export const minuteOf = (atMs: number): number => Math.floor(atMs / BUCKET_MS);

export function shardOf(id: string): number {
  return createHash('sha1').update(id).digest()[0]! % BUCKET_SHARDS;
}

export const bucketId = (schedule: string, minute: number, shard: number): string => `${schedule}:${minute}:${shard}`;

/**
 * The operation sweep's schedules (services/workers/src/maintenance/README.md): a send or calendar operation is filed
 * when it is created (open), a send recorded sent with its Sent Items copy still pending when it is recorded.
 */
export const SEND_OPEN_SCHEDULE = 'send-open';
export const CALENDAR_OPEN_SCHEDULE = 'calendar-open';
export const SEND_CONFIRM_SCHEDULE = 'send-confirm';

/** The single-document upsert that files `id` in its bucket at `atMs` (never before the minute of `nowMs`). */
export function scheduleEntryUpsert(schedule: string, id: string, atMs: number, nowMs: number) {
  const minute = Math.max(minuteOf(atMs), minuteOf(nowMs));
  return {
    filter: { _id: bucketId(schedule, minute, shardOf(id)) },
    update: { $setOnInsert: { schedule, minute }, $addToSet: { ids: id } },
  };
}
