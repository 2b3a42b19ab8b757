import {
  addToSchedule,
  bucketId,
  defaultRefreshPolicy,
  LEGACY_MOVE_MARK,
  LEGACY_REFRESH_SCHEDULE,
  minuteOf,
  refreshJobId,
  saveScheduleCursor,
  scheduleCursor,
  shardOf,
} from '@outlook-connect/mailbox-runtime';
import { newId } from '@outlook-connect/shared';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { refreshSweep } from './refresh-sweep';

// After the refresh schedule took 10 s slots, an old gateway (a rolling deploy) still files a new connection in the old
// minute buckets, which the new sweep does not read. The sweep copies each old minute to the new schedule as it comes
// within its horizon (so that connection is refreshed on time), deletes the old buckets once no sweep of either width
// can read them, clears the cursor of an old sweep silent for two days, and stops once nothing writes them any more.

jest.setTimeout(60_000);

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack('rlegacy');
});
afterAll(() => stack?.close());

it('refreshes a connection filed only on the old minute schedule, then deletes that schedule', async () => {
  const { models, queues, logger } = stack.clients.deps;
  const policy = { ...defaultRefreshPolicy, sweepHorizonMs: 2 * MIN };
  const sweep = (nowMs: number) => refreshSweep({ models, queues, logger, now: () => nowMs, policy });
  const t0 = Math.floor(Date.now() / MIN) * MIN;
  // An old worker is sweeping (its cursor is current) and the new sweep has had its first pass.
  await saveScheduleCursor(models, LEGACY_REFRESH_SCHEDULE, minuteOf(t0));
  await sweep(t0);

  // The old gateway connects a mailbox: the connection, and its first refresh filed on the old schedule only.
  const dueAt = t0 + 30 * MIN;
  const conn = {
    _id: newId('conn'),
    status: 'active',
    tokenVersion: 1,
    refreshFailures: 0,
    nextRefreshAt: new Date(dueAt),
  };
  await models.Connection.collection.insertOne(conn as never);
  await addToSchedule(models, LEGACY_REFRESH_SCHEDULE, [{ id: conn._id, atMs: dueAt }], t0 + MIN);
  const oldBucket = bucketId(LEGACY_REFRESH_SCHEDULE, minuteOf(dueAt), shardOf(conn._id));
  expect(await models.ScheduleBucket.exists({ _id: oldBucket })).toBeTruthy();

  const queue = queues.queue('token-refresh');
  await sweep(t0 + 2 * MIN);
  expect(await queue.getJob(refreshJobId(conn))).toBeUndefined();

  // Within the horizon of its due time: copied, found, handed out, exactly as if it had been filed on the new schedule.
  await saveScheduleCursor(models, LEGACY_REFRESH_SCHEDULE, minuteOf(dueAt - MIN));
  const pass = await sweep(dueAt - MIN);
  expect(pass.enqueued).toBeGreaterThanOrEqual(1);
  const job = await queue.getJob(refreshJobId(conn));
  expect(job?.data).toMatchObject({ connectionId: conn._id, reason: 'scheduled', tokenVersion: 1 });
  expect(job?.opts.delay).toBe(MIN);
  // The old sweep may still read that bucket: kept.
  expect(await models.ScheduleBucket.exists({ _id: oldBucket })).toBeTruthy();

  // The old workers stopped then. Two days on, nothing reads the old buckets: the old cursor goes, then its buckets.
  await sweep(dueAt + 2 * DAY + 5 * MIN);
  expect(await scheduleCursor(models, LEGACY_REFRESH_SCHEDULE)).toBeNull();
  expect(await models.ScheduleBucket.exists({ _id: oldBucket })).toBeFalsy();
  expect((await models.ScheduleCursor.findById(LEGACY_MOVE_MARK).lean())?.done).toBe(false);

  // Nothing found for more than the longest refresh interval: the move is over, and stays over.
  for (let pass = 0; pass < 12; pass++) await sweep(dueAt + 9 * DAY + pass * 30_000);
  const mark = await models.ScheduleCursor.findById(LEGACY_MOVE_MARK).lean();
  expect(mark?.done).toBe(true);
  await sweep(dueAt + 10 * DAY);
  expect(await models.ScheduleCursor.findById(LEGACY_MOVE_MARK).lean()).toEqual(mark);
});
