import {
  addToRefreshSchedule,
  defaultRefreshPolicy,
  readBuckets,
  REFRESH_SCHEDULE,
  REFRESH_SLOT_MS,
  refreshJobId,
  slotOf,
} from '@outlook-connect/mailbox-runtime';
import { newId } from '@outlook-connect/shared';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { refreshSweep } from './refresh-sweep';

// The refresh sweep's pass reads the schedule's slots of its window, not whole minutes: with 600 connections due
// over one minute (100 per 10 s slot), a pass whose horizon ends 15 s into that minute hands out the 151 due by then
// and reads only the two slots they are in (200 entries). With minute buckets it read all 600 (at 1,000,000
// connections, 16,667 to hand out 1,000).

jest.setTimeout(60_000);

const COUNT = 600;
const SPACING_MS = 100;
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack('rsweep');
});
afterAll(() => stack?.close());

it('reads the slots its horizon reaches, not the whole minute, and hands out exactly the connections due', async () => {
  const { models, queues, logger } = stack.clients.deps;
  // A minute boundary ten minutes ahead: the connections come due one every 100 ms from there.
  const minuteStart = (Math.floor(Date.now() / 60_000) + 10) * 60_000;
  const docs = Array.from({ length: COUNT }, (_, i) => ({
    _id: newId('conn'),
    status: 'active' as const,
    tokenVersion: 3,
    refreshFailures: 0,
    nextRefreshAt: new Date(minuteStart + i * SPACING_MS),
  }));
  await models.Connection.collection.insertMany(docs as never[]);
  await addToRefreshSchedule(models, docs, Date.now());
  const sweep = (nowMs: number, horizonMs: number) =>
    refreshSweep({
      models,
      queues,
      logger,
      now: () => nowMs,
      policy: { ...defaultRefreshPolicy, sweepHorizonMs: horizonMs },
    });

  // The first pass on the store (it files every active connection again) and nothing due within its horizon.
  const first = await sweep(minuteStart - 5 * 60_000, 60_000);
  expect(first.enqueued).toBe(0);

  const nowMs = minuteStart - 60_000;
  const horizonMs = 60_000 + 15_000;
  const pass = await sweep(nowMs, horizonMs);
  const due = docs.filter((d) => d.nextRefreshAt.getTime() <= nowMs + horizonMs);
  expect(due).toHaveLength(151);
  expect(pass.enqueued).toBe(due.length);
  // The two 10 s slots the due ones are in, 100 entries each.
  expect(pass.read).toBe(200);
  expect(pass.moved).toBe(0);
  expect(pass.dropped).toBe(0);

  const queue = queues.queue('token-refresh');
  expect(await queue.getDelayedCount()).toBe(due.length);
  const job = await queue.getJob(refreshJobId(due[150]!));
  expect(job?.data).toMatchObject({ connectionId: due[150]!._id, reason: 'scheduled', tokenVersion: 3 });
  expect(job?.opts.delay).toBe(due[150]!.nextRefreshAt.getTime() - nowMs);

  // Every connection is still on the schedule, in the slot of its due time.
  const slot = (atMs: number) => slotOf(atMs, REFRESH_SLOT_MS);
  const buckets = await readBuckets(models, REFRESH_SCHEDULE, [[slot(minuteStart), slot(minuteStart + 59_999)]]);
  const filed = new Map(buckets.flatMap((b) => b.ids.map((id) => [id, b.minute] as const)));
  expect(filed.size).toBe(COUNT);
  for (const d of docs) expect(filed.get(d._id)).toBe(slot(d.nextRefreshAt.getTime()));
});
