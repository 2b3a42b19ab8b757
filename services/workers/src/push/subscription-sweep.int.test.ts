import { inboxSubscriptionJobId } from '@outlook-connect/queues';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { DEFAULT_PUSH_POLICY } from './push-policy';
import { subscriptionSweep } from './subscription-sweep';

// The sweep reads the subscription schedule's buckets: the first pass files what the store holds, a grant files its
// connection, and a job lost with Redis is back once its entry comes due again; nothing depends on the fleet's size.

jest.setTimeout(120_000);

let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack('subsweep');
});

afterAll(async () => {
  await stack?.close();
});

const pushPolicy = { ...DEFAULT_PUSH_POLICY, publicUrl: 'https://push.example.test' };
const sweepAt = (atMs: number) => subscriptionSweep({ ...stack.clients.deps, now: () => atMs, pushPolicy });
const queue = () => stack.clients.deps.queues.queue('inbox-subscription');
const hasJob = async (id: string) => (await queue().getJobState(inboxSubscriptionJobId(id))) !== 'unknown';

async function holdRecord(connectionId: string, nextCheckAt: number) {
  // Written directly (not through recordCreated), as by a deployment from before the schedule: on no schedule.
  await stack.clients.deps.models.InboxSubscription.create({
    _id: connectionId,
    workspaceId: stack.workspaceId,
    subscriptionId: `sub-${connectionId}`,
    clientStateEnc: null,
    expiresAt: new Date(nextCheckAt + 86_400_000),
    nextCheckAt: new Date(nextCheckAt),
    pending: null,
    failures: 0,
  });
}

it('files the store once, then heals from the buckets: records past their check, grants, lost jobs', async () => {
  const t0 = Date.now();
  const [overdue, renewsLater, noRecord] = await Promise.all(
    ['overdue', 'later', 'norecord'].map((name) => stack.connect('read_only', name)),
  );
  await stack.connect('send_only', 'sender');
  // Grants file their connection; a store from before the schedule has neither entries nor a cursor.
  await stack.clients.deps.models.ScheduleBucket.deleteMany({});
  await holdRecord(overdue!.connection._id, t0 - 60_000);
  await holdRecord(renewsLater!.connection._id, t0 + 3_600_000);

  const first = await sweepAt(t0);
  expect(first.initialized).toBe(5); // 2 records + 3 connections that read mail (not send_only)
  const granted = await stack.connect('read_only', 'granted'); // filed by its grant, after the first pass
  const second = await sweepAt(t0 + 121_000);
  expect(first.scheduled + second.scheduled).toBe(3);
  for (const c of [overdue, noRecord, granted]) expect(await hasJob(c!.connection._id)).toBe(true);
  expect(await hasJob(renewsLater!.connection._id)).toBe(false);

  // Redis loses the jobs: entries handed out are looked at again 5 minutes later, and the lost ones are put back.
  for (const c of [overdue, noRecord, granted]) await queue().remove(inboxSubscriptionJobId(c!.connection._id));
  const third = await sweepAt(t0 + 121_000 + 5 * 60_000 + 61_000);
  expect(third.scheduled).toBe(3);
  for (const c of [overdue, noRecord, granted]) expect(await hasJob(c!.connection._id)).toBe(true);

  // The record renewing in an hour comes due then (it was filed at its nextCheckAt).
  expect((await sweepAt(t0 + 3_600_000 + 61_000)).scheduled).toBe(1);
  expect(await hasJob(renewsLater!.connection._id)).toBe(true);
});
