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
}

export const scheduleCursorSchema = new Schema<ScheduleCursorDoc>(
  {
    _id: { type: String, required: true },
    minute: { type: Number, required: true },
  },
  { collection: 'schedule_cursors', minimize: false, versionKey: false },
);
