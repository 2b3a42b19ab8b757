import { markDisconnected } from '@outlook-connect/mailbox-runtime';
import { waitFor } from '@outlook-connect/stack';
import type { ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import { startSendHarness, type SendHarness } from '../testing/send-harness';

// A send's hot path takes its connection as this process read it up to a second ago (send-kind.ts), but only a view
// read after the send's job was added: a send enqueued after its mailbox was disconnected never goes out on the view
// read before, and a backlog reads its connection from the store far less than once per send.

jest.setTimeout(60_000);

let h: SendHarness;

beforeAll(async () => {
  // Exchange's 30 messages a minute per mailbox (the emulator's default) would hold the backlog below for a minute.
  h = await startSendHarness('send-view', { limits: { sendsPerMinute: 1_000 } });
  h.startWorker();
});

afterAll(async () => {
  await h?.close();
});

const record = async (id: string) => (await h.clients.deps.models.Send.findById(id).lean()) as SendDoc;
async function settled(id: string): Promise<SendDoc> {
  await waitFor(async () => ['sent', 'failed', 'canceled'].includes((await record(id)).status), 30_000, `send ${id}`);
  return record(id);
}
const markerCount = (marker: string) => h.emu.control.counters().sendsByMarker[marker] ?? 0;

let n = 0;
const input = (connectionId: string) => {
  n += 1;
  return {
    workspaceId: h.workspaceId,
    connectionId,
    idempotencyKey: `view-${n}`,
    source: 'sequence' as const,
    message: {
      to: ['prospect@example.com'],
      subject: `View ${n}`,
      body: { contentType: 'text' as const, content: 'Hello' },
    },
  };
};

/** Counts the store's reads of one connection by `_id` (the driver's find on the connections collection). */
function countConnectionReads(conn: ConnectionDoc): { reads: () => number; stop: () => void } {
  const collection = h.clients.deps.models.Connection.collection;
  const original = collection.find.bind(collection);
  let reads = 0;
  collection.find = ((filter: { _id?: { $in?: string[] } | string }, ...rest: unknown[]) => {
    const id = filter?._id;
    if (id === conn._id || (typeof id === 'object' && id?.$in?.includes(conn._id))) reads++;
    return (original as (...a: unknown[]) => unknown)(filter, ...rest);
  }) as typeof collection.find;
  return { reads: () => reads, stop: () => void (collection.find = original) };
}

describe("a send's view of its connection", () => {
  it('a send enqueued just after a disconnect does not go out on the view read before it', async () => {
    const { connection } = await h.connect('send_only', 'gone');
    // The worker now knows the mailbox's send mode and has just read the connection.
    const first = await h.sends.enqueueSend(input(connection._id));
    expect((await settled(first.send._id)).status).toBe('sent');
    await markDisconnected(h.clients.deps, h.workspaceId, connection._id, new Date());
    const after = await h.sends.enqueueSend(input(connection._id));
    // It waits for a reconnect (the gateway's disconnect would also fail it): nothing goes to Graph.
    await waitFor(
      async () => (await record(after.send._id)).error?.code === 'disconnected',
      30_000,
      'seen disconnected',
    );
    expect(await record(after.send._id)).toMatchObject({ status: 'queued', attempts: 0, submittedAt: null });
    expect(markerCount(after.send.marker)).toBe(0);
  });

  it('a backlog of one mailbox reads its connection about once a second, not once per send, and each goes out once', async () => {
    const { connection } = await h.connect('send_only', 'backlog');
    // Above the default 30 a minute: the backlog goes out at once.
    await h.clients.deps.models.Connection.updateOne(
      { _id: connection._id },
      { $set: { 'limits.sendsPerMinute': 1_000 } },
    );
    const warm = await h.sends.enqueueSend(input(connection._id));
    await settled(warm.send._id);
    const queue = h.clients.deps.queues.queue('send');
    await queue.pause();
    const backlog = [];
    for (let i = 0; i < 30; i++) backlog.push((await h.sends.enqueueSend(input(connection._id))).send);
    // The views the worker takes from here on were read after these jobs were added.
    await new Promise((r) => setTimeout(r, 600));
    const counter = countConnectionReads(connection);
    try {
      const started = Date.now();
      await queue.resume();
      for (const s of backlog) expect((await settled(s._id)).status).toBe('sent');
      const seconds = (Date.now() - started) / 1000;
      expect(backlog.map((s) => markerCount(s.marker))).toEqual(backlog.map(() => 1));
      expect(counter.reads()).toBeGreaterThan(0);
      // A view lasts a second: about one read per second of the drain, whatever the machine's speed (with each send
      // reading the store, grouped reads included: 14-17 reads in a 1 s drain here).
      expect(counter.reads()).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
      expect(counter.reads()).toBeLessThan(backlog.length / 2);
    } finally {
      counter.stop();
    }
  });
});
