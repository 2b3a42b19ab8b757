import { CALENDAR_OPEN_SCHEDULE, newId, SEND_CONFIRM_SCHEDULE, SEND_OPEN_SCHEDULE } from '@outlook-connect/shared';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { backfillOperations } from './operation-backfill';
import { operationSweep } from './operation-sweep';

// Sends and calendar operations stored before the operation sweep's schedules have no entry: the sweep does not see
// them until the one-off backfill files them (a bounded share a run, resumable from its mark, then one read a run);
// then the sweep gives the open ones their job back and ends the follow-up that is over.

jest.setTimeout(60_000);

let stack: WorkerStack;
beforeAll(async () => {
  stack = await startWorkerStack('opbackfill');
});
afterAll(() => stack?.close());

it('files the open records stored before the schedules, resumes from its mark, and the sweep then heals them', async () => {
  const { deps } = stack.clients;
  const { models } = deps;
  const connectionId = newId('conn');
  const old = new Date(Date.now() - 3600_000);
  const send = (status: string, over: Record<string, unknown> = {}) => ({
    _id: newId('send'),
    workspaceId: stack.workspaceId,
    connectionId,
    idempotencyKey: newId('k'),
    status,
    sendAt: null,
    createdAt: old,
    updatedAt: old,
    ...over,
  });
  const open = [send('queued'), send('queued'), send('sending'), send('scheduled', { sendAt: old })];
  const pending = [send('sent', { sentItemsStatus: 'pending', sentAt: old, sentItemsChecks: 1 })];
  const finished = [
    ...Array.from({ length: 12 }, () => send('sent', { sentItemsStatus: 'seen', sentAt: old })),
    send('failed'),
    send('canceled'),
  ];
  await models.Send.collection.insertMany([...open, ...pending, ...finished] as never[]);
  const op = (status: string) => ({
    _id: newId('cal'),
    workspaceId: stack.workspaceId,
    connectionId,
    idempotencyKey: newId('k'),
    status,
    createdAt: old,
    updatedAt: old,
  });
  const openOps = [op('queued'), op('running')];
  await models.CalendarOperation.collection.insertMany([...openOps, op('succeeded'), op('failed')] as never[]);

  const sweepDeps = { ...deps, now: () => Date.now() };
  // Before the backfill the sweep does not know them.
  expect(await operationSweep(sweepDeps)).toMatchObject({ read: 0, checked: 0, followUps: { checked: 0 } });

  const opts = { batch: 3, maxBatches: 2 };
  const runs = [await backfillOperations(deps, opts)];
  expect(runs[0]).toMatchObject({ done: false, read: 6 });
  expect((await models.ScheduleCursor.findById('~backfill:sends').lean())?.done).toBe(false);
  while (!runs.at(-1)!.done) runs.push(await backfillOperations(deps, opts));
  const total = (await models.Send.countDocuments({})) + (await models.CalendarOperation.countDocuments({}));
  expect(runs.reduce((n, r) => n + r.read, 0)).toBe(total);
  expect(runs.reduce((n, r) => n + r.filed, 0)).toBe(open.length + pending.length + openOps.length);
  expect(await backfillOperations(deps, opts)).toEqual({ done: true, read: 0, filed: 0 });

  const filed = async (schedule: string) =>
    (await models.ScheduleBucket.find({ schedule }).lean()).flatMap((b) => b.ids).sort();
  expect(await filed(SEND_OPEN_SCHEDULE)).toEqual(open.map((s) => s._id).sort());
  expect(await filed(SEND_CONFIRM_SCHEDULE)).toEqual(pending.map((s) => s._id).sort());
  expect(await filed(CALENDAR_OPEN_SCHEDULE)).toEqual(openOps.map((o) => o._id).sort());

  // No job of theirs exists (stored before, their jobs long gone): the sweep gives each open one its job back, and
  // the follow-up that ended an hour ago is `not_seen`.
  const healed = await operationSweep(sweepDeps);
  expect(healed).toMatchObject({
    checked: open.length + openOps.length,
    enqueued: open.length + openOps.length,
    followUps: { checked: 1, gaveUp: 1 },
  });
  for (const s of open) expect(await deps.queues.queue('send').getJobState(s._id)).not.toBe('unknown');
  for (const o of openOps) expect(await deps.queues.queue('calendar').getJobState(o._id)).not.toBe('unknown');
  expect((await models.Send.findById(pending[0]!._id).lean())?.sentItemsStatus).toBe('not_seen');
});
