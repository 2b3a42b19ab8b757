import { createCalendarClient, createSendClient, eventId, queueNames, eventsOnQueue } from '@outlook-connect/queues';
import { waitFor } from '@outlook-connect/stack';
import type { CalendarOperationDoc, ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import { createCalendarHandler } from '../calendar/calendar.handler';
import { maintenanceRegistration } from '../maintenance/maintenance.handler';
import { ensureMaintenanceScheduled } from '../maintenance/schedule';
import { createSendHandler } from '../send/send.handler';
import { startPrivateServers, type PrivateServers } from '../testing/private-servers';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';

// Redis and the store both stop for a few seconds in the middle of a batch of sends and calendar operations (their own
// servers, restarted on the same port with the same data): every one completes, none twice, none failed. Before the
// fix, the gate's Redis error came out of the Graph client as Microsoft's permanent/unknown and failed the send.

jest.setTimeout(240_000);

const OUTAGE_MS = 5_000;
let servers: PrivateServers;
let stack: WorkerStack;

beforeAll(async () => {
  servers = await startPrivateServers('outage');
  stack = await startWorkerStack('outage', { redisUrl: servers.redisUrl, mongoUrl: servers.mongoUrl });
});

afterAll(async () => {
  await servers?.startRedis();
  await servers?.startStore();
  await stack?.close();
  await servers?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('Redis and the store stop for 5 s mid-batch: every send and calendar operation completes once, none fails', async () => {
  const { deps } = stack.clients;
  const sends = createSendClient({ models: deps.models, queues: deps.queues });
  const calendar = createCalendarClient({ models: deps.models, queues: deps.queues });
  const full: ConnectionDoc[] = [];
  const fullEmails: string[] = [];
  for (let i = 0; i < 4; i++) {
    const m = await stack.connect('full_calendar', `full${i}`);
    full.push(m.connection);
    fullEmails.push(m.email);
  }
  const sendOnly = (await stack.connect('send_only', 'sendonly')).connection;
  const mailboxes = [...full, sendOnly];

  // The queue clients report each lost connection; this test expects them (BullMQ prints them without a listener).
  for (const q of queueNames) deps.queues.queue(q).on('error', () => undefined);
  const maintenance = { ...deps, maintenancePolicy: { ...deps.maintenancePolicy, operationSweepEveryMs: 1_000 } };
  stack.startWorkers(
    [createSendHandler(deps), createCalendarHandler(deps), maintenanceRegistration(maintenance)],
    ['send', 'calendar', 'maintenance'],
  );
  await ensureMaintenanceScheduled(deps.queues, maintenance);

  // 40 sends due over the next 12 s (so many are due while everything is down) and calendar operations in two waves.
  const t0 = Date.now();
  const batch: SendDoc[] = [];
  for (let i = 0; i < 40; i++) {
    const connection = mailboxes[i % mailboxes.length]!;
    const { send } = await sends.enqueueSend({
      workspaceId: stack.workspaceId,
      connectionId: connection._id,
      idempotencyKey: `outage-${i}`,
      source: 'sequence',
      sendAt: new Date(t0 + 1_000 + i * 300),
      message: { to: [`lead-${i}@example.com`], subject: `Outage ${i}`, body: { contentType: 'text', content: 'Hi' } },
    });
    batch.push(send);
  }
  const ops: CalendarOperationDoc[] = [];
  const book = async (i: number) => {
    const { operation } = await calendar.createEvent({
      workspaceId: stack.workspaceId,
      connectionId: full[i % full.length]!._id,
      idempotencyKey: `outage-cal-${i}`,
      metadata: {},
      event: {
        subject: `Outage meeting ${i}`,
        start: { dateTime: `2031-04-0${1 + (i % 8)}T10:00:00`, timeZone: 'UTC' },
        end: { dateTime: `2031-04-0${1 + (i % 8)}T10:30:00`, timeZone: 'UTC' },
      },
    });
    ops.push(operation);
  };
  for (let i = 0; i < 6; i++) await book(i);

  await sleep(Math.max(0, t0 + 4_000 - Date.now()));
  for (let i = 6; i < 12; i++) await book(i);
  const sentBefore = await deps.models.Send.countDocuments({ _id: { $in: batch.map((s) => s._id) }, status: 'sent' });
  await Promise.all([servers.stopRedis(), servers.stopStore()]);
  await sleep(OUTAGE_MS);
  await Promise.all([servers.startRedis(), servers.startStore()]);

  const ids = batch.map((s) => s._id);
  const opIds = ops.map((o) => o._id);
  const finished = async () =>
    (await deps.models.Send.countDocuments({ _id: { $in: ids }, status: { $in: ['sent', 'failed', 'canceled'] } })) ===
      ids.length &&
    (await deps.models.CalendarOperation.countDocuments({
      _id: { $in: opIds },
      status: { $in: ['succeeded', 'failed'] },
    })) === opIds.length;
  await waitFor(() => finished().catch(() => false), 180_000, 'every send and calendar operation finished');

  const after = (await deps.models.Send.find({ _id: { $in: ids } }).lean()) as SendDoc[];
  const counts = stack.emu.control.counters().sendsByMarker;
  const sent = after.filter((s) => s.status === 'sent').length;
  const failed = after.filter((s) => s.status === 'failed');
  const doubled = after.filter((s) => (counts[s.marker] ?? 0) > 1).length;
  const lost = after.filter((s) => (counts[s.marker] ?? 0) === 0).length;
  const opsAfter = (await deps.models.CalendarOperation.find({ _id: { $in: opIds } }).lean()) as CalendarOperationDoc[];
  const subjectOf = (op: CalendarOperationDoc) => (op.request as { event: { subject: string } }).event.subject;
  const eventCopies = (op: CalendarOperationDoc) =>
    fullEmails.reduce(
      (n, email) => n + stack.emu.control.events(email).filter((e) => e.subject === subjectOf(op)).length,
      0,
    );
  const opsDoubled = opsAfter.filter((o) => eventCopies(o) > 1).length;
  // The CRM hears of each one: its final event is in the events queue.
  const emitted = new Set((await eventsOnQueue(deps.queues.queue('events'))).map((e) => e.id));
  const noEvent = [
    ...after.filter((x) => !emitted.has(eventId('send.sent', x._id))).map((x) => x._id),
    ...opsAfter.filter((o) => !emitted.has(eventId('calendar.event_created', o._id))).map((o) => o._id),
  ];
  const opsFailed = opsAfter.filter((o) => o.status === 'failed');
  process.stdout.write(
    `outage ${OUTAGE_MS / 1000} s (Redis + store): sends ${ids.length} (in flight ${ids.length - sentBefore}), sent ${sent}, lost ${lost}, doubled ${doubled}, failed ${failed.length}; ` +
      `calendar operations ${opIds.length}, succeeded ${opsAfter.filter((o) => o.status === 'succeeded').length}, doubled ${opsDoubled}, failed ${opsFailed.length}; ` +
      `events missing ${noEvent.length}\n`,
  );
  expect(failed.map((s) => `${s._id} ${s.error?.code}`)).toEqual([]);
  expect(opsFailed.map((o) => `${o._id} ${o.error?.code}`)).toEqual([]);
  expect(sent).toBe(ids.length);
  expect({ lost, doubled, opsDoubled }).toEqual({ lost: 0, doubled: 0, opsDoubled: 0 });
  expect(noEvent).toEqual([]);
  expect(ids.length - sentBefore).toBeGreaterThan(0);
});
