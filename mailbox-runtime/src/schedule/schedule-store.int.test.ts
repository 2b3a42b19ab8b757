import { closeStore, connectStore, createModels, type Models } from '@outlook-connect/shared';
import { testIsolation } from '@outlook-connect/shared/testing';
import type { Connection } from 'mongoose';
import { BUCKET_MS, bucketId, minuteOf, shardOf } from './due-buckets';
import { addToSchedule, applyScheduleChanges, readBuckets, saveScheduleCursor, scheduleCursor } from './schedule-store';

// The schedule buckets on the real store (FerretDB in tests): upserts with $addToSet, $pullAll, the delete of an
// emptied bucket only while it is still empty, reads by `_id $in`, the cursor.

const iso = testIsolation('schedule-store');
let store: Connection;
let models: Models;
const M = 29_000_000; // a minute since the epoch (2025)

beforeAll(async () => {
  store = await connectStore({ url: iso.mongoUrl, dbName: iso.dbName });
  models = await createModels(store);
});
afterAll(async () => {
  await store?.dropDatabase();
  if (store) await closeStore(store);
});

it('files entries by minute and shard, once each, and reads them back by window', async () => {
  await addToSchedule(
    models,
    's1',
    [
      { id: 'a', atMs: M * BUCKET_MS + 1 },
      { id: 'b', atMs: (M + 1) * BUCKET_MS },
    ],
    M * BUCKET_MS,
  );
  await addToSchedule(models, 's1', [{ id: 'a', atMs: M * BUCKET_MS + 2 }], M * BUCKET_MS);
  const read = await readBuckets(models, 's1', [[M - 2, M + 1]]);
  expect(read.map((b) => [b._id, b.minute, b.ids])).toEqual([
    [bucketId('s1', M, shardOf('a')), M, ['a']],
    [bucketId('s1', M + 1, shardOf('b')), M + 1, ['b']],
  ]);
  expect(await readBuckets(models, 's1', [[M + 2, M + 5]])).toEqual([]);
  expect(await readBuckets(models, 'other', [[M, M + 1]])).toEqual([]);
});

it('moves and drops entries, and deletes a bucket it emptied unless something was filed there meanwhile', async () => {
  await addToSchedule(
    models,
    's2',
    [
      { id: 'x', atMs: M * BUCKET_MS },
      { id: 'y', atMs: M * BUCKET_MS },
    ],
    M * BUCKET_MS,
  );
  const [bx] = await readBuckets(models, 's2', [[M, M]]).then((bs) => bs.filter((b) => b.ids.includes('x')));
  const xKey = bx!._id;
  await applyScheduleChanges(models, 's2', {
    pulls: new Map([[xKey, ['x']]]),
    moves: [{ id: 'x', atMs: (M + 10) * BUCKET_MS }],
    notBefore: M,
    emptied: [xKey],
  });
  const after = await readBuckets(models, 's2', [[M, M + 10]]);
  expect(after.find((b) => b._id === xKey)?.ids ?? []).not.toContain('x');
  expect(after.find((b) => b.minute === M + 10)?.ids).toEqual(['x']);
  expect(after.flatMap((b) => b.ids).sort()).toEqual(['x', 'y']);
  // A bucket emptied by the pulls goes; one refilled before the delete stays.
  const yKey = bucketId('s2', M, shardOf('y'));
  await applyScheduleChanges(models, 's2', {
    pulls: new Map([[yKey, ['y']]]),
    moves: [],
    notBefore: M,
    emptied: [yKey],
  });
  expect(await models.ScheduleBucket.findById(yKey).lean()).toBeNull();
  const late = bucketId('s2', M + 10, shardOf('x'));
  await addToSchedule(models, 's2', [{ id: 'z', atMs: (M + 10) * BUCKET_MS + 5 }], M * BUCKET_MS);
  await applyScheduleChanges(models, 's2', {
    pulls: new Map([[late, ['x']]]),
    moves: [],
    notBefore: M,
    emptied: [late],
  });
  const kept = await readBuckets(models, 's2', [[M + 10, M + 10]]);
  expect(kept.flatMap((b) => b.ids)).toEqual(['z']);
});

it('files a move no earlier than notBefore, and keeps the cursor', async () => {
  await applyScheduleChanges(models, 's3', {
    pulls: new Map(),
    moves: [{ id: 'late', atMs: (M - 100) * BUCKET_MS }],
    notBefore: M,
    emptied: [],
  });
  expect((await readBuckets(models, 's3', [[M, M]])).map((b) => b.ids)).toEqual([['late']]);
  expect(minuteOf(M * BUCKET_MS)).toBe(M);
  expect(await scheduleCursor(models, 's3')).toBeNull();
  await saveScheduleCursor(models, 's3', M - 5);
  await saveScheduleCursor(models, 's3', M - 4);
  expect(await scheduleCursor(models, 's3')).toBe(M - 4);
});

it('files a due time already past in the current minute, where the sweep still reads', async () => {
  const now = (M + 30) * BUCKET_MS + 7;
  await addToSchedule(models, 's3', [{ id: 'late', atMs: (M + 20) * BUCKET_MS }], now);
  expect(await readBuckets(models, 's3', [[M + 20, M + 29]])).toEqual([]);
  const read = await readBuckets(models, 's3', [[M + 30, M + 30]]);
  expect(read.map((b) => [b.minute, b.ids])).toEqual([[M + 30, ['late']]]);
});

it('files by slots narrower than a minute, and deletes an emptied bucket but not one a move lands in', async () => {
  const SLOT = 5_000;
  const S = (M * BUCKET_MS) / SLOT; // a slot index
  const now = S * SLOT;
  const ids = ['p', 'q', 'r', 's', 't', 'u', 'v', 'w'];
  await addToSchedule(
    models,
    's4',
    ids.map((id, i) => ({ id, atMs: now + (i % 2) * SLOT + 1 })),
    now,
    SLOT,
  );
  const read = await readBuckets(models, 's4', [[S, S + 1]]);
  expect(read.every((b) => b.minute === S || b.minute === S + 1)).toBe(true);
  expect(read.flatMap((b) => b.ids).sort()).toEqual(ids);
  // Every entry of every bucket read is pulled; those of slot S move to slot S + 1, whose buckets are emptied too.
  await applyScheduleChanges(models, 's4', {
    pulls: new Map(read.map((b) => [b._id, b.ids])),
    moves: read.filter((b) => b.minute === S).flatMap((b) => b.ids.map((id) => ({ id, atMs: now + SLOT }))),
    notBefore: S,
    emptied: read.map((b) => b._id),
    slotMs: SLOT,
  });
  const after = await readBuckets(models, 's4', [[S, S + 1]]);
  expect(after.map((b) => b.minute).every((m) => m === S + 1)).toBe(true);
  expect(after.flatMap((b) => b.ids).sort()).toEqual(ids.filter((_, i) => i % 2 === 0));
});
