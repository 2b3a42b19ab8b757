import { redisKeys } from '@outlook-connect/queues';
import type { Model } from 'mongoose';

// One page of a sweep over store records, oldest update first, continuing from a cursor kept in Redis (lost with a
// flush: the next round starts over). A short page ends the round: the next pass starts again from the oldest.

interface Cursor {
  at: number;
  id: string;
}

export interface SweepPageDeps {
  queues: { prefix: string };
  redis: {
    get(key: string): Promise<string | null>;
    set(key: string, value: string): Promise<unknown>;
    del(key: string): Promise<unknown>;
  };
}

export interface SweepPage<T> {
  records: T[];
  /** Moves the cursor past this page (or back to the start after a short one). */
  done(): Promise<void>;
}

export async function sweepPage<T extends { _id: string; updatedAt: Date }>(
  deps: SweepPageDeps,
  name: string,
  model: Model<Record<string, unknown>>,
  filter: Record<string, unknown>,
  fields: Record<string, 1>,
  batch: number,
): Promise<SweepPage<T>> {
  const key = redisKeys.operationSweepCursor(deps.queues.prefix, name);
  const raw = await deps.redis.get(key);
  const cursor = raw ? (JSON.parse(raw) as Cursor) : null;
  const after = cursor
    ? {
        $or: [{ updatedAt: { $gt: new Date(cursor.at) } }, { updatedAt: new Date(cursor.at), _id: { $gt: cursor.id } }],
      }
    : {};
  const records = (await model
    .find({ ...filter, ...after }, { ...fields, _id: 1, updatedAt: 1 })
    .sort({ updatedAt: 1, _id: 1 })
    .limit(batch)
    .lean()) as unknown as T[];
  return {
    records,
    async done() {
      const last = records.at(-1);
      if (records.length < batch || !last) await deps.redis.del(key);
      else
        await deps.redis.set(
          key,
          JSON.stringify({ at: new Date(last.updatedAt).getTime(), id: last._id } satisfies Cursor),
        );
    },
  };
}
