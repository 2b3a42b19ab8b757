import { findEvent } from '@outlook-connect/queues';
import { waitFor } from '@outlook-connect/stack';
import type { ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import { startSendHarness, type SendHarness } from '../testing/send-harness';

// The send pipeline end to end in one process: producer client, BullMQ worker, mailbox gate, the emulator's Graph.

jest.setTimeout(60_000);

let h: SendHarness;
let full: { connection: ConnectionDoc; email: string };

beforeAll(async () => {
  // Waits for a reconnect are seconds here, not a day.
  h = await startSendHarness('send', { policy: { waitForReconnectMs: 3_000, reconnectCheckMs: 200 } });
  full = await h.connect('full', 'seller');
  h.startWorker();
});

afterAll(async () => {
  await h?.close();
});

const record = async (id: string) => (await h.clients.deps.models.Send.findById(id).lean()) as SendDoc;
async function settled(id: string, statuses = ['sent', 'failed', 'canceled']): Promise<SendDoc> {
  await waitFor(async () => statuses.includes((await record(id)).status), 30_000, `send ${id}`);
  return record(id);
}
const markerCount = (marker: string) => h.emu.control.counters().sendsByMarker[marker] ?? 0;
/** The product event, once emitted (that happens just after the send's status is written, so wait for it). */
async function productEvent(id: string) {
  const events = h.clients.deps.queues.queue('events');
  await waitFor(async () => (await findEvent(events, id)) !== undefined, 10_000, `event ${id}`);
  return (await findEvent(events, id)) as { type: string; data: Record<string, unknown> } | undefined;
}

let n = 0;
const input = (connectionId: string, extra: Record<string, unknown> = {}) => {
  n += 1;
  return {
    workspaceId: h.workspaceId,
    connectionId,
    idempotencyKey: `seq-7-step-${n}`,
    source: 'sequence' as const,
    message: {
      to: ['prospect@example.com'],
      subject: `Step ${n}`,
      body: { contentType: 'html' as const, content: '<p>Hello</p>' },
    },
    metadata: { sequenceId: 'seq_7', step: n },
    ...extra,
  };
};

describe('sending against the emulator', () => {
  it("sends once, records the Graph ids, and tells the CRM with the producer's metadata", async () => {
    const { send, created } = await h.sends.enqueueSend(input(full.connection._id));
    expect(created).toBe(true);
    expect(send.status).toBe('queued');
    const done = await settled(send._id);
    expect(done).toMatchObject({ status: 'sent', error: null, sentItemsStatus: 'pending' });
    expect(done.internetMessageId).toEqual(expect.any(String)); // the draft's, known at creation
    expect(markerCount(send.marker)).toBe(1);
    // Exchange sends after the 202; the follow-up then records the Sent Items copy (send-async.int.test.ts).
    await waitFor(async () => (await record(send._id)).sentItemsStatus === 'seen', 30_000, 'seen in Sent Items');
    expect((await record(send._id)).sentMessageId).toEqual(expect.any(String));
    expect(h.emu.control.sentItems(full.email).filter((m) => m.subject === send.message.subject)).toHaveLength(1);
    const event = await productEvent(`send.sent_${send._id}`);
    expect(event?.data).toMatchObject({ sendId: send._id, status: 'sent', metadata: { sequenceId: 'seq_7' } });
    const lines = await h.clients.deps.models.ConnectionActivity.find({
      connectionId: full.connection._id,
      type: 'sent',
    }).lean();
    expect(lines.some((l) => l.detail.sendId === send._id)).toBe(true);
  });

  it('a repeated idempotency key returns the same send and sends nothing new', async () => {
    const first = input(full.connection._id);
    const a = await h.sends.enqueueSend(first);
    await settled(a.send._id);
    const b = await h.sends.enqueueSend(first);
    expect(b.created).toBe(false);
    expect(b.send._id).toBe(a.send._id);
    expect(b.send.status).toBe('sent');
    expect(markerCount(a.send.marker)).toBe(1);
    // The same key with a different request is refused, naming the original.
    await expect(
      h.sends.enqueueSend({ ...first, message: { ...first.message, subject: 'changed' } }),
    ).rejects.toMatchObject({ name: 'IdempotencyKeyReusedError', existingId: a.send._id });
    expect(
      await h.clients.deps.models.Send.countDocuments({
        connectionId: full.connection._id,
        idempotencyKey: first.idempotencyKey,
      }),
    ).toBe(1);
  });

  it('a send canceled before its send-at never goes out', async () => {
    const { send } = await h.sends.enqueueSend(input(full.connection._id, { sendAt: new Date(Date.now() + 2_000) }));
    expect(send.status).toBe('scheduled');
    const canceled = await h.sends.cancelSend(h.workspaceId, send._id);
    expect(canceled.status).toBe('canceled');
    expect(await h.clients.deps.queues.queue('send').getJob(send._id)).toBeUndefined();
    expect((await productEvent(`send.canceled_${send._id}`))?.type).toBe('send.canceled');
    // Even a job that escaped the removal finds the record canceled and stops.
    await h.clients.deps.queues.enqueue('send', { sendId: send._id }, { jobId: `${send._id}-stray` });
    await waitFor(
      async () => (await h.clients.deps.queues.queue('send').getJobState(`${send._id}-stray`)) === 'completed',
      10_000,
      'stray job',
    );
    expect((await record(send._id)).status).toBe('canceled');
    expect(markerCount(send.marker)).toBe(0);
  });

  it('a read-only connection fails at once with scope_missing, without retries', async () => {
    const reader = await h.connect('read_only', 'reader');
    const { send } = await h.sends.enqueueSend(input(reader.connection._id));
    const done = await settled(send._id);
    expect(done).toMatchObject({ status: 'failed', attempts: 0, error: { kind: 'permanent', code: 'scope_missing' } });
    // The job is failed just after the record is written: wait for its final state, then count its attempts.
    const queue = h.clients.deps.queues.queue('send');
    await waitFor(async () => (await queue.getJobState(send._id)) === 'failed', 10_000, `send job ${send._id} failed`);
    expect((await queue.getJob(send._id))?.attemptsMade).toBe(1);
    expect((await productEvent(`send.failed_${send._id}`))?.data).toMatchObject({ error: { code: 'scope_missing' } });
  });

  it('a send_only connection sends with sendMail, once', async () => {
    const sender = await h.connect('send_only', 'sender');
    const { send } = await h.sends.enqueueSend(input(sender.connection._id));
    const done = await settled(send._id);
    expect(done.status).toBe('sent');
    expect(done.submittedAt).not.toBeNull();
    expect(markerCount(send.marker)).toBe(1);
  });

  it('a permanent Graph refusal fails with its reason, without retries', async () => {
    const fault = h.emu.control.injectFault({
      method: 'POST',
      path: '/me/messages$',
      status: 403,
      code: 'ErrorSendAsDenied',
      times: 1,
    });
    const { send } = await h.sends.enqueueSend(input(full.connection._id));
    const done = await settled(send._id);
    h.emu.control.removeFault(fault);
    expect(done).toMatchObject({ status: 'failed', error: { kind: 'permanent', code: 'send_as_denied' } });
    expect(markerCount(send.marker)).toBe(0);
  });

  it('a needs_reconnect connection: sends wait, go out after a reconnect, and fail with the reason after the wait', async () => {
    const other = await h.connect('full', 'lapsed');
    const reason = {
      code: 'grant_revoked',
      message: 'Access was revoked.',
      remediation: 'Reconnect the mailbox.',
      since: new Date(),
    };
    const Connection = h.clients.deps.models.Connection;
    await Connection.updateOne(
      { _id: other.connection._id },
      { $set: { status: 'needs_reconnect', statusReason: reason } },
    );

    const waiting = await h.sends.enqueueSend(input(other.connection._id));
    await waitFor(
      async () => (await record(waiting.send._id)).error?.code === 'grant_revoked',
      10_000,
      'the waiting reason',
    );
    expect((await record(waiting.send._id)).status).toBe('queued');
    await Connection.updateOne({ _id: other.connection._id }, { $set: { status: 'active', statusReason: null } });
    expect((await settled(waiting.send._id)).status).toBe('sent');

    await Connection.updateOne(
      { _id: other.connection._id },
      { $set: { status: 'needs_reconnect', statusReason: reason } },
    );
    const lost = await h.sends.enqueueSend(input(other.connection._id));
    const done = await settled(lost.send._id);
    expect(done).toMatchObject({ status: 'failed', error: { kind: 'reconnect_required', code: 'grant_revoked' } });
    expect(done.error?.message).toMatch(/Reconnect the mailbox/);
    expect(markerCount(lost.send.marker)).toBe(0);
  });

  it('holds a mailbox to its own per-minute cap and delays, not fails, the rest', async () => {
    const capped = await h.connect('full', 'capped');
    await h.clients.deps.models.Connection.updateOne(
      { _id: capped.connection._id },
      { $set: { limits: { sendsPerMinute: 2 } } },
    );
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await h.sends.enqueueSend(input(capped.connection._id))).send._id);
    await waitFor(
      async () => (await h.clients.deps.models.Send.countDocuments({ _id: { $in: ids }, status: 'sent' })) === 2,
      20_000,
      'two sends',
    );
    const third = (await h.clients.deps.models.Send.find({
      _id: { $in: ids },
      status: { $ne: 'sent' },
    }).lean()) as SendDoc[];
    expect(third).toHaveLength(1);
    expect(['queued', 'sending']).toContain(third[0]!.status);
    // Parked until the one-minute window reopens, not failed.
    expect(await h.retryAtOf(third[0]!._id)).toBeGreaterThan(Date.now() + 30_000);
  });
});
