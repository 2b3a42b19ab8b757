import { findEvent } from '@outlook-connect/queues';
import { waitFor } from '@outlook-connect/stack';
import type { ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import { DEFAULT_INBOX_POLICY } from '../inbox/inbox-policy';
import { receivedEventId } from '../inbox/received-events';
import { syncConnection } from '../inbox/sync-connection';
import { startSendHarness, type SendHarness } from '../testing/send-harness';

// Exchange sends after its 202 (the emulator holds the message in Drafts for a while): the send is recorded as
// submitted, the follow-up fills in the Sent Items ids and emits send.confirmed, replies link to the send before and
// after that, and a retry after a lost 202 never sends the draft again while it is in transit.

jest.setTimeout(120_000);

let h: SendHarness;
let full: { connection: ConnectionDoc; email: string };

beforeAll(async () => {
  h = await startSendHarness('sendasync');
  full = await h.connect('full', 'async');
  h.startWorker();
});

afterAll(async () => {
  await h?.close();
});

afterEach(() => {
  h.emu.control.clearFaults();
  h.emu.control.setSendDelay({ minMs: 100, maxMs: 800 });
});

const record = async (id: string) => (await h.clients.deps.models.Send.findById(id).lean()) as SendDoc;
async function until(id: string, ok: (s: SendDoc) => boolean, what: string, ms = 60_000): Promise<SendDoc> {
  await waitFor(async () => ok(await record(id)), ms, `send ${id}: ${what}`);
  return record(id);
}
const events = () => h.clients.deps.queues.queue('events');
async function productEvent(id: string) {
  await waitFor(async () => (await findEvent(events(), id)) !== undefined, 20_000, `event ${id}`);
  return (await findEvent(events(), id)) as { type: string; data: Record<string, unknown> };
}
const markerCount = (marker: string) => h.emu.control.counters().sendsByMarker[marker] ?? 0;
const sentCopy = (marker: string) =>
  h.emu.control
    .sentItems(full.email)
    .find((m) =>
      (m.singleValueExtendedProperties as Array<{ value: string }> | undefined)?.some((p) => p.value === marker),
    ) as { id: string; immutableId: string; internetMessageId: string; conversationId: string } | undefined;

let n = 0;
const enqueue = async () => {
  n += 1;
  const { send } = await h.sends.enqueueSend({
    workspaceId: h.workspaceId,
    connectionId: full.connection._id,
    idempotencyKey: `async-${n}`,
    source: 'sequence',
    message: { to: ['prospect@external.example'], subject: `Async ${n}`, body: { contentType: 'text', content: 'Hi' } },
    metadata: { step: n },
  });
  return send;
};

/** One inbox sync of the sender's mailbox, to the end of its delta (what the inbox-sync job does each poll). */
async function syncInbox(): Promise<void> {
  const deps = { ...h.clients.deps, inboxPolicy: DEFAULT_INBOX_POLICY };
  for (let i = 0; i < 20; i += 1) {
    const outcome = await syncConnection(deps, full.connection._id, false);
    if (outcome.kind !== 'synced') throw new Error(`sync ${outcome.kind}: ${JSON.stringify(outcome)}`);
    if (outcome.result.passCompleted) return;
  }
  throw new Error('sync did not catch up in 20 runs');
}

async function replyLinkOf(reply: Record<string, unknown>): Promise<unknown> {
  const event = await findEvent(events(), receivedEventId(full.connection._id, String(reply.immutableId)));
  return (event as { data?: { inReplyToSendId?: unknown } } | undefined)?.data?.inReplyToSendId;
}

describe('asynchronous send (Exchange finishes after the 202)', () => {
  it('records the send as submitted, then fills in the Sent Items ids and emits send.confirmed', async () => {
    h.emu.control.setSendDelay(3_600_000); // in transit until the emulator's clock is moved
    const send = await enqueue();
    const sent = await until(send._id, (s) => s.status === 'sent', 'sent');
    expect(sent).toMatchObject({ sentItemsStatus: 'pending', sentMessageId: null, sentItemsSeenAt: null });
    expect(sent.internetMessageId).toMatch(/^<.+@.+>$/); // Graph gives the draft its Message-ID at creation
    const sentEvent = await productEvent(`send.sent_${send._id}`);
    expect(sentEvent.data).toMatchObject({ status: 'sent', sentItems: 'pending', sentMessageId: null });
    // The first look (2 s after the 202) finds nothing: still pending, looked once; then Exchange finishes.
    const looked = await until(send._id, (s) => s.sentItemsChecks >= 1, 'the first look');
    expect(looked.sentItemsStatus).toBe('pending');
    h.emu.control.advanceClock(3_600_000);

    const seen = await until(send._id, (s) => s.sentItemsStatus === 'seen', 'seen in Sent Items');
    const copy = sentCopy(send.marker);
    expect(copy).toBeDefined();
    expect(seen).toMatchObject({
      // The product asks for immutable ids: the Sent Items copy is named by its immutable id (the draft's).
      sentMessageId: copy?.immutableId,
      internetMessageId: copy?.internetMessageId,
      conversationId: copy?.conversationId,
    });
    expect(seen.sentItemsChecks).toBeGreaterThanOrEqual(2); // not there at the first look, found at a later one
    expect(seen.sentItemsChecks).toBeLessThanOrEqual(4);
    expect(seen.sentItemsSeenAt).toBeInstanceOf(Date);
    const confirmed = await productEvent(`send.confirmed_${send._id}`);
    expect(confirmed).toMatchObject({
      type: 'send.confirmed',
      data: {
        sendId: send._id,
        sentMessageId: copy?.immutableId,
        internetMessageId: copy?.internetMessageId,
        conversationId: copy?.conversationId,
        seenInSentItemsAt: seen.sentItemsSeenAt?.toISOString(),
        metadata: { step: n },
      },
    });
    expect(markerCount(send.marker)).toBe(1);
  });

  it('links a reply that arrives before the confirmation and one that arrives after it', async () => {
    const send = await enqueue();
    const sent = await until(send._id, (s) => s.status === 'sent', 'sent');
    await h.stopWorker(); // hold the follow-up back: the first reply comes while the ids are unconfirmed
    await waitFor(async () => sentCopy(send.marker) !== undefined, 20_000, 'Exchange sent it');
    const before = h.emu.control.deliverMessage(full.email, {
      from: 'prospect@external.example',
      subject: `RE: ${send.message.subject}`,
      inReplyTo: sent.internetMessageId ?? '',
      references: sent.internetMessageId ?? '',
    });
    await syncInbox();
    expect((await record(send._id)).sentItemsStatus).toBe('pending');
    expect(await replyLinkOf(before)).toBe(send._id);

    h.startWorker();
    const seen = await until(send._id, (s) => s.sentItemsStatus === 'seen', 'seen in Sent Items');
    const after = h.emu.control.deliverMessage(full.email, {
      from: 'prospect@external.example',
      subject: `RE: ${send.message.subject}`,
      conversationId: seen.conversationId ?? undefined,
      inReplyTo: seen.internetMessageId ?? '',
    });
    await syncInbox();
    expect(await replyLinkOf(after)).toBe(send._id);
  });

  it('a retry after a lost 202 does not send the draft again while Exchange still holds it in Drafts', async () => {
    h.emu.control.setSendDelay(3_600_000); // in transit until the emulator's clock is moved
    h.emu.control.injectFault({ method: 'POST', path: '/send$', dropAnswer: true, times: 1 });
    const send = await enqueue();
    // The retry finds the draft still in Drafts, submitted: it waits for Sent Items and sends nothing.
    const waiting = await until(send._id, (s) => s.attempts >= 3, 'two retries that looked');
    expect(waiting).toMatchObject({ status: 'sending', sentAt: null });
    expect(markerCount(send.marker)).toBe(1);
    expect(h.emu.control.inTransit()).toBe(1);

    h.emu.control.advanceClock(3_600_000); // Exchange finishes
    const sent = await until(send._id, (s) => s.status === 'sent', 'sent');
    const copy = sentCopy(send.marker);
    expect(sent).toMatchObject({ sentItemsStatus: 'seen', sentMessageId: copy?.immutableId });
    expect(markerCount(send.marker)).toBe(1);
    expect(h.emu.control.sentItems(full.email).filter((m) => m.subject === send.message.subject)).toHaveLength(1);
    expect((await productEvent(`send.confirmed_${send._id}`)).data).toMatchObject({ sentMessageId: copy?.immutableId });
  });

  it('a draft that never reached Exchange (503, no answer it acted on) is sent once after the transit bound', async () => {
    h.emu.control.injectFault({ method: 'POST', path: '/send$', status: 503, code: 'serviceNotAvailable', times: 1 });
    const send = await enqueue();
    const waiting = await until(send._id, (s) => s.attempts >= 2, 'a retry that looked');
    expect(waiting.status).toBe('sending'); // a 503 may have sent it: wait (30 s in tests) before sending again
    expect(markerCount(send.marker)).toBe(0);
    const sent = await until(send._id, (s) => s.status === 'sent', 'sent after the transit bound', 90_000);
    expect(sent.submittedAt!.getTime() - waiting.submittedAt!.getTime()).toBeGreaterThanOrEqual(30_000);
    expect(markerCount(send.marker)).toBe(1);
    await until(send._id, (s) => s.sentItemsStatus === 'seen', 'seen in Sent Items');
  });
});
