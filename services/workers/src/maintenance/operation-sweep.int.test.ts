import { createCalendarClient, createSendClient, queueNames } from '@outlook-connect/queues';
import {
  dependencyFailureOf,
  type CalendarOperationDoc,
  type ConnectionDoc,
  type SendDoc,
} from '@outlook-connect/shared';
import { waitFor } from '@outlook-connect/stack';
import { createCalendarHandler } from '../calendar/calendar.handler';
import { createSendHandler } from '../send/send.handler';
import { startPrivateServers, type PrivateServers } from '../testing/private-servers';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { maintenanceRegistration } from './maintenance.handler';
import { OPERATION_RECHECK_MS } from './operation-schedule';
import { keepMaintenanceScheduled } from './schedule';

// Redis loses everything (FLUSHALL) in the middle of a batch of immediate and scheduled sends, and is down when a
// send and a calendar operation are enqueued: the operation sweep gives every open record its job back from the store,
// and every send goes out exactly once. Its own Redis: flushing the shared one would wipe other tests' queues.

jest.setTimeout(240_000);

const SWEEP_EVERY_MS = 1_000;
/** An open record unchanged this long gets its job checked (the production default is 30 s). */
const GRACE_MS = 2_000;
const BATCH = 8;
let servers: PrivateServers;
let stack: WorkerStack;

beforeAll(async () => {
  servers = await startPrivateServers('opsweep');
  stack = await startWorkerStack('opsweep', { redisUrl: servers.redisUrl, mongoUrl: servers.mongoUrl });
});

afterAll(async () => {
  await servers?.startRedis();
  await stack?.close();
  await servers?.close();
});

it('FLUSHALL mid-batch and Redis down at enqueue: every send goes out once, within the sweep bound', async () => {
  const { deps } = stack.clients;
  // The queue clients report each lost connection; this test expects them (BullMQ prints them without a listener).
  for (const q of queueNames) deps.queues.queue(q).on('error', () => undefined);
  const sends = createSendClient({ models: deps.models, queues: deps.queues });
  const calendar = createCalendarClient({ models: deps.models, queues: deps.queues });
  const mailboxes: ConnectionDoc[] = [];
  for (let i = 0; i < 4; i++) mailboxes.push((await stack.connect('full_calendar', `m${i}`)).connection);

  // A small `_id $in` batch, so a pass reads its records in several queries.
  const maintenance = {
    ...deps,
    policy: { ...deps.policy, sweepEveryMs: SWEEP_EVERY_MS },
    maintenancePolicy: {
      ...deps.maintenancePolicy,
      operationSweepEveryMs: SWEEP_EVERY_MS,
      operationSweepBatch: BATCH,
      operationGraceMs: GRACE_MS,
    },
  };
  stack.startWorkers(
    [createSendHandler(deps), createCalendarHandler(deps), maintenanceRegistration(maintenance)],
    ['send', 'calendar', 'maintenance'],
  );
  const schedules = keepMaintenanceScheduled(maintenance, stack.logger);

  try {
    const t0 = Date.now();
    const enqueue = (i: number, sendAt?: Date) =>
      sends.enqueueSend({
        workspaceId: stack.workspaceId,
        connectionId: mailboxes[i % mailboxes.length]!._id,
        idempotencyKey: `flush-${i}`,
        source: 'sequence',
        ...(sendAt ? { sendAt } : {}),
        message: { to: [`lead-${i}@example.com`], subject: `Flush ${i}`, body: { contentType: 'text', content: 'Hi' } },
      });
    const batch: SendDoc[] = [];
    for (let i = 0; i < 20; i++) batch.push((await enqueue(i)).send);
    for (let i = 20; i < 40; i++) batch.push((await enqueue(i, new Date(t0 + 3_000 + (i - 20) * 250))).send);
    const sentBefore = await deps.models.Send.countDocuments({ _id: { $in: batch.map((s) => s._id) }, status: 'sent' });
    await deps.redis.flushall();
    const flushedAt = Date.now();

    // Redis down at enqueue: the producer fails with an error the gateway answers 503 for; the record is stored.
    await servers.stopRedis();
    const downSend = await enqueue(40).catch((err: unknown) => err);
    const downOp = await calendar
      .createEvent({
        workspaceId: stack.workspaceId,
        connectionId: mailboxes[0]!._id,
        idempotencyKey: 'flush-cal',
        metadata: {},
        event: {
          subject: 'Booked while Redis was down',
          start: { dateTime: '2031-05-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2031-05-01T10:30:00', timeZone: 'UTC' },
        },
      })
      .catch((err: unknown) => err);
    expect(dependencyFailureOf(downSend)).toMatchObject({ dependency: 'redis' });
    expect(dependencyFailureOf(downOp)).toMatchObject({ dependency: 'redis' });
    await servers.startRedis();
    const stranded = (await deps.models.Send.findOne({ idempotencyKey: 'flush-40' }).lean()) as SendDoc;
    expect(stranded.status).toBe('queued');
    const strandedOp = (await deps.models.CalendarOperation.findOne({
      idempotencyKey: 'flush-cal',
    }).lean()) as CalendarOperationDoc;
    expect(strandedOp.status).toBe('queued');

    const all = [...batch, stranded];
    const ids = all.map((s) => s._id);
    await waitFor(
      async () =>
        (await deps.models.Send.countDocuments({
          _id: { $in: ids },
          status: { $in: ['sent', 'failed', 'canceled'] },
        })) === ids.length,
      120_000,
      'every send finished',
    );
    await waitFor(
      async () =>
        ['succeeded', 'failed'].includes(
          ((await deps.models.CalendarOperation.findById(strandedOp._id).lean()) as CalendarOperationDoc).status,
        ),
      60_000,
      'the calendar operation',
    );
    const healedInMs = Date.now() - flushedAt;

    const after = (await deps.models.Send.find({ _id: { $in: ids } }).lean()) as SendDoc[];
    const counts = stack.emu.control.counters().sendsByMarker;
    const failed = after.filter((s) => s.status === 'failed');
    const figures = {
      sends: ids.length,
      inFlightAtFlush: batch.length - sentBefore,
      sent: after.filter((s) => s.status === 'sent').length,
      lost: after.filter((s) => (counts[s.marker] ?? 0) === 0).length,
      doubled: after.filter((s) => (counts[s.marker] ?? 0) > 1).length,
      failed: failed.length,
    };
    // Bound: an open record is first looked at once unchanged for the grace, then every OPERATION_RECHECK_MS while it
    // stays open, so a job lost at any moment is back within the recheck plus one sweep interval.
    const boundMs = Math.max(GRACE_MS, OPERATION_RECHECK_MS) + SWEEP_EVERY_MS;
    process.stdout.write(
      `FLUSHALL mid-batch: ${JSON.stringify(figures)}; all out ${(healedInMs / 1000).toFixed(1)} s after the flush (sweep bound ${boundMs / 1000} s + sending)\n`,
    );
    expect(failed.map((s) => `${s._id} ${s.error?.code}`)).toEqual([]);
    expect(figures).toMatchObject({ sent: ids.length, lost: 0, doubled: 0 });
    expect(figures.inFlightAtFlush).toBeGreaterThan(0);
    const op = (await deps.models.CalendarOperation.findById(strandedOp._id).lean()) as CalendarOperationDoc;
    expect(op.status).toBe('succeeded');
  } finally {
    schedules.stop();
    await stack.stopWorkers();
  }
});
