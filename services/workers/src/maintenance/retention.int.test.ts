import { newId } from '@outlook-connect/shared';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { DEFAULT_MAINTENANCE_POLICY, type MaintenancePolicy } from './maintenance-policy';
import { retention } from './retention';

// Retention on the real store: old connect attempts, finished sends and calendar operations, and activity lines go in
// bounded batches; open work and recent records stay.

jest.setTimeout(60_000);

const DAY = 86_400_000;
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack('retention');
});
afterAll(() => stack?.close());

it('deletes only records past their retention, in batches, and open work never', async () => {
  const { models, logger } = stack.clients.deps;
  const now = Date.now();
  const ago = (days: number) => new Date(now - days * DAY);
  const base = { workspaceId: stack.workspaceId, connectionId: 'conn_000000000000000000000000' };
  const send = (status: string, days: number) => ({
    _id: newId('send'),
    ...base,
    idempotencyKey: newId('k'),
    status,
    updatedAt: ago(days),
    createdAt: ago(days),
  });
  const op = (status: string, days: number) => ({
    _id: newId('cal'),
    ...base,
    idempotencyKey: newId('k'),
    status,
    updatedAt: ago(days),
    createdAt: ago(days),
  });
  const attempt = (days: number) => ({
    _id: newId('ca'),
    workspaceId: stack.workspaceId,
    stateHash: newId('h'),
    expiresAt: ago(days),
  });
  const line = (days: number) => ({ _id: newId('act'), ...base, type: 'sent', at: ago(days), detail: {} });

  const oldSends = ['sent', 'failed', 'canceled', 'sent', 'sent'].map((s) => send(s, 100));
  const keptSends = [send('queued', 100), send('scheduled', 100), send('sending', 100), send('sent', 10)];
  await models.Send.collection.insertMany([...oldSends, ...keptSends] as never[]);
  const oldOps = [op('succeeded', 100), op('failed', 100)];
  const keptOps = [op('queued', 100), op('running', 100), op('succeeded', 5)];
  await models.CalendarOperation.collection.insertMany([...oldOps, ...keptOps] as never[]);
  const oldAttempts = [attempt(8), attempt(30)];
  const keptAttempts = [attempt(1)];
  await models.ConnectAttempt.collection.insertMany([...oldAttempts, ...keptAttempts] as never[]);
  const oldLines = [line(31), line(40), line(365)];
  const keptLines = [line(29)];
  await models.ConnectionActivity.collection.insertMany([...oldLines, ...keptLines] as never[]);

  // One batch of 2 per collection: a run is bounded, the next one continues.
  const bounded: MaintenancePolicy = { ...DEFAULT_MAINTENANCE_POLICY, retentionBatch: 2, retentionMaxBatches: 1 };
  const first = await retention({ models, logger, now: () => now, maintenancePolicy: bounded, inboxMirrorDays: null });
  expect(first).toEqual({
    connectAttempts: 2,
    sends: 2,
    calendarOperations: 2,
    activityLines: 2,
    inboxMessages: 0,
    webhookDeliveries: 0,
  });

  const rest = await retention({
    models,
    logger,
    now: () => now,
    maintenancePolicy: { ...bounded, retentionMaxBatches: 10 },
    inboxMirrorDays: null,
  });
  process.stdout.write(`retention: first run ${JSON.stringify(first)}, second ${JSON.stringify(rest)}\n`);
  expect(rest).toEqual({
    connectAttempts: 0,
    sends: 3,
    calendarOperations: 0,
    activityLines: 1,
    inboxMessages: 0,
    webhookDeliveries: 0,
  });

  const ids = <T extends { _id: string }>(docs: T[]) => docs.map((d) => d._id).sort();
  const left = async (model: { find(f: object): { lean(): Promise<unknown> } }, all: Array<{ _id: string }>) =>
    ((await model.find({ _id: { $in: all.map((d) => d._id) } }).lean()) as Array<{ _id: string }>)
      .map((d) => d._id)
      .sort();
  expect(await left(models.Send, [...oldSends, ...keptSends])).toEqual(ids(keptSends));
  expect(await left(models.CalendarOperation, [...oldOps, ...keptOps])).toEqual(ids(keptOps));
  expect(await left(models.ConnectAttempt, [...oldAttempts, ...keptAttempts])).toEqual(ids(keptAttempts));
  expect(await left(models.ConnectionActivity, [...oldLines, ...keptLines])).toEqual(ids(keptLines));
});

it('removes inbox messages that fell out of the mirror window, and none while the view mirrors everything', async () => {
  const { models, logger } = stack.clients.deps;
  const now = Date.now();
  const message = (days: number) => ({
    _id: newId('msg'),
    workspaceId: stack.workspaceId,
    connectionId: 'conn_111111111111111111111111',
    graphId: newId('g'),
    receivedAt: new Date(now - days * DAY),
  });
  const old = [message(40), message(31)];
  const recent = [message(29), message(1)];
  await models.InboxMessage.collection.insertMany([...old, ...recent] as never[]);
  const all = await retention({
    models,
    logger,
    now: () => now,
    maintenancePolicy: DEFAULT_MAINTENANCE_POLICY,
    inboxMirrorDays: null,
  });
  expect(all.inboxMessages).toBe(0);
  const windowed = await retention({
    models,
    logger,
    now: () => now,
    maintenancePolicy: DEFAULT_MAINTENANCE_POLICY,
    inboxMirrorDays: 30,
  });
  expect(windowed.inboxMessages).toBe(2);
  const left = (await models.InboxMessage.find({ _id: { $in: [...old, ...recent].map((d) => d._id) } }).lean())
    .map((d) => d._id)
    .sort();
  expect(left).toEqual(recent.map((d) => d._id).sort());
});

it('removes finished webhook deliveries past their retention, never pending ones', async () => {
  const { models, logger } = stack.clients.deps;
  const now = Date.now();
  const delivery = (status: string, days: number) => ({
    _id: newId('whd'),
    workspaceId: stack.workspaceId,
    endpointId: 'whe_000000000000000000000000',
    eventId: newId('evt'),
    status,
    createdAt: new Date(now - days * DAY),
    updatedAt: new Date(now - days * DAY),
  });
  const old = [delivery('delivered', 40), delivery('failed', 31)];
  const kept = [delivery('pending', 40), delivery('delivered', 5)];
  await models.WebhookDelivery.collection.insertMany([...old, ...kept] as never[]);
  const res = await retention({
    models,
    logger,
    now: () => now,
    maintenancePolicy: DEFAULT_MAINTENANCE_POLICY,
    inboxMirrorDays: null,
  });
  expect(res.webhookDeliveries).toBe(2);
  const left = (await models.WebhookDelivery.find({ _id: { $in: [...old, ...kept].map((d) => d._id) } }).lean())
    .map((d) => d._id)
    .sort();
  expect(left).toEqual(kept.map((d) => d._id).sort());
});
