import { inboxSubscriptionJobId } from '@outlook-connect/queues';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { DEFAULT_PUSH_POLICY } from './push-policy';
import { subscriptionSweep } from './subscription-sweep';

// The sweep walks the connections a page per pass: past the first page, a connection whose subscription record is
// missing still gets its job back (a page size of 2 stands for the 5,000 of production).

jest.setTimeout(120_000);

let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack('subsweep');
});

afterAll(async () => {
  await stack?.close();
});

const pushPolicy = { ...DEFAULT_PUSH_POLICY, publicUrl: 'https://push.example.test', sweepPageSize: 2 };
const sweep = () => subscriptionSweep({ ...stack.clients.deps, now: () => Date.now(), pushPolicy });
const jobState = (id: string) =>
  stack.clients.deps.queues.queue('inbox-subscription').getJobState(inboxSubscriptionJobId(id));

async function holdRecord(connectionId: string) {
  await stack.clients.deps.models.InboxSubscription.create({
    _id: connectionId,
    workspaceId: stack.workspaceId,
    subscriptionId: `sub-${connectionId}`,
    clientStateEnc: null,
    expiresAt: new Date(Date.now() + 86_400_000),
    nextCheckAt: new Date(Date.now() + 3_600_000),
    pending: null,
    failures: 0,
  });
}

it('heals a connection past the first page, then starts the walk over', async () => {
  const connected = [];
  for (let i = 0; i < 5; i++) connected.push(await stack.connect('read_only', `reader${i}`));
  await stack.connect('send_only', 'sender');
  const ids = connected.map((c) => c.connection._id).sort();
  // Every reader but the last in `_id` order has its record (and so needs nothing from the sweep).
  for (const id of ids.slice(0, 4)) await holdRecord(id);

  expect(await sweep()).toEqual({ checked: 0, scheduled: 0 }); // ids[0], ids[1]
  expect(await sweep()).toEqual({ checked: 0, scheduled: 0 }); // ids[2], ids[3]
  expect(await jobState(ids[4]!)).toBe('unknown');
  expect(await sweep()).toEqual({ checked: 1, scheduled: 1 }); // ids[4], the short page: the walk starts over
  expect(await jobState(ids[4]!)).not.toBe('unknown');

  // The record of the first one is lost: the next pass, back on the first page, puts its job back.
  await stack.clients.deps.models.InboxSubscription.deleteOne({ _id: ids[0] });
  expect(await sweep()).toEqual({ checked: 1, scheduled: 1 });
  expect(await jobState(ids[0]!)).not.toBe('unknown');
});
