import { markNeedsReconnect, refreshConnection } from '@outlook-connect/mailbox-runtime';
import { deleteKeysMatching, eventId, queueNames, redisKeys, findEvent } from '@outlook-connect/queues';
import { SEND_CONFIRM_SCHEDULE, type ConnectionDoc, type SendDoc } from '@outlook-connect/shared';
import { waitFor } from '@outlook-connect/stack';
import { operationSweep } from '../maintenance/operation-sweep';
import { startSendHarness, TEST_CONFIRM, type SendHarness } from '../testing/send-harness';
import { bookedLookAt } from './send-confirm';

// The Sent Items follow-up after a 202 keeps its waiting sends in Redis and its runs as jobs. When Redis loses them
// (a flush of our keys) the operation sweep books the look again from the store; when the looks stopped because the
// connection could not be used, its recovery books them. Either way send.confirmed arrives.

jest.setTimeout(120_000);

let h: SendHarness;

beforeAll(async () => {
  h = await startSendHarness('sendheal');
  h.startWorker();
});

afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const record = async (id: string) => (await h.clients.deps.models.Send.findById(id).lean()) as SendDoc;
const confirmed = async (sendId: string) =>
  (await findEvent(h.clients.deps.queues.queue('events'), eventId('send.confirmed', sendId))) !== undefined;
/** Long enough for the first look (D after the 202, at the end of its slot) and the retry of a failed run. */
const PAST_FIRST_LOOK_MS = TEST_CONFIRM.firstCheckMs * 3;

let n = 0;
async function submitted(connection: ConnectionDoc): Promise<SendDoc> {
  n += 1;
  const { send } = await h.sends.enqueueSend({
    workspaceId: h.workspaceId,
    connectionId: connection._id,
    idempotencyKey: `heal-${n}`,
    source: 'sequence',
    message: { to: ['prospect@external.example'], subject: `Heal ${n}`, body: { contentType: 'text', content: 'Hi' } },
  });
  await waitFor(
    async () => (await bookedLookAt(h.clients.deps, connection._id, send._id)) !== null,
    30_000,
    `send ${send._id}: submitted and its look booked`,
  );
  const after = await record(send._id);
  expect(after).toMatchObject({ status: 'sent', sentItemsStatus: 'pending', sentItemsChecks: 0 });
  return after;
}

it('Redis loses the follow-up after the 202: the operation sweep books it again and send.confirmed arrives', async () => {
  const { deps } = h.clients;
  for (const q of queueNames) deps.queues.queue(q).on('error', () => undefined);
  const { connection } = await h.connect('full', 'flush');
  const send = await submitted(connection);

  expect(await deleteKeysMatching(deps.redis, ...redisKeys.keyPatterns(deps.queues.prefix))).toBeGreaterThan(0);
  await sleep(PAST_FIRST_LOOK_MS);
  // Nothing looks any more: without the sweep the record would stay pending.
  expect(await record(send._id)).toMatchObject({ sentItemsStatus: 'pending', sentItemsChecks: 0 });
  expect(await confirmed(send._id)).toBe(false);

  const sweepDeps = { ...deps, sendPolicy: { ...deps.sendPolicy, confirm: TEST_CONFIRM } };
  const result = await operationSweep(sweepDeps);
  expect(result.followUps).toMatchObject({ booked: 1, gaveUp: 0 });
  await waitFor(() => confirmed(send._id), 30_000, 'send.confirmed after the sweep');
  expect(await record(send._id)).toMatchObject({ sentItemsStatus: 'seen' });
  // Healed: a second pass finds nothing to book (the record is no longer pending).
  expect((await operationSweep(sweepDeps)).followUps).toMatchObject({ booked: 0, gaveUp: 0 });
});

it('the looks stopped while the connection needed reconnecting: its recovery books them and send.confirmed arrives', async () => {
  const { deps } = h.clients;
  const { connection } = await h.connect('full', 'lapse');
  const send = await submitted(connection);

  const reason = {
    code: 'client_secret_expired',
    message: "The app's client secret expired.",
    remediation: 'Update the secret in Settings > OAuth Apps.',
    since: new Date(),
  };
  expect(await markNeedsReconnect(deps, connection, reason)).toBe(true);
  await sleep(PAST_FIRST_LOOK_MS);
  // The run met an unusable connection and stopped: no look made, none booked, the send still waits in the set.
  expect(await record(send._id)).toMatchObject({ sentItemsStatus: 'pending', sentItemsChecks: 0 });
  const confirmQueue = deps.queues.queue('send-confirm');
  expect((await confirmQueue.getDelayedCount()) + (await confirmQueue.getWaitingCount())).toBe(0);
  expect(await bookedLookAt(deps, connection._id, send._id)).not.toBeNull();

  // The app's secret works again: the connection recovers through connection-status.
  expect(await refreshConnection(deps, connection._id, { mode: 'recovery' })).toMatchObject({ kind: 'refreshed' });
  expect((await deps.models.Connection.findById(connection._id).lean())?.status).toBe('active');
  await waitFor(() => confirmed(send._id), 30_000, 'send.confirmed after the recovery');
  expect(await record(send._id)).toMatchObject({ sentItemsStatus: 'seen' });
});

it('the follow-up could not be filed after the send was recorded sent: the retry of its job files it', async () => {
  const { deps } = h.clients;
  const { connection } = await h.connect('full', 'unfiled');
  const buckets = deps.models.ScheduleBucket;
  const bulkWrite = buckets.bulkWrite.bind(buckets);
  let refused = 0;
  // The store takes the compare-and-set to `sent` and refuses the filing next to it, once.
  const filing = jest.spyOn(buckets, 'bulkWrite').mockImplementation(((ops: unknown, options: unknown) => {
    if (refused === 0 && JSON.stringify(ops).includes(`"${SEND_CONFIRM_SCHEDULE}:`)) {
      refused++;
      return Promise.reject(new Error('write refused while filing the follow-up'));
    }
    return (bulkWrite as (o: unknown, p: unknown) => Promise<unknown>)(ops, options);
  }) as typeof buckets.bulkWrite);
  let sendId: string;
  try {
    const { send } = await h.sends.enqueueSend({
      workspaceId: h.workspaceId,
      connectionId: connection._id,
      idempotencyKey: 'heal-unfiled',
      source: 'sequence',
      message: { to: ['prospect@external.example'], subject: 'Unfiled', body: { contentType: 'text', content: 'Hi' } },
    });
    sendId = send._id;
    await waitFor(async () => refused === 1, 30_000, 'the filing refused');
  } finally {
    filing.mockRestore();
  }
  const job = await deps.queues.queue('send').getJob(sendId);
  await waitFor(async () => (await job?.getState()) === 'completed', 60_000, 'the send job retried and completed');
  expect(await record(sendId)).toMatchObject({ status: 'sent' });
  expect(h.emu.control.counters().sendsByMarker[`oc-${sendId}`]).toBe(1);
  // Filed: the operation sweep would find the send's follow-up from the store if Redis lost it.
  const filed = (await buckets.find({ schedule: SEND_CONFIRM_SCHEDULE }).lean()).flatMap((b) => b.ids);
  expect(filed).toContain(sendId);
});
