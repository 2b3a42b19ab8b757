import { eventsOnQueue, findEvent } from '@outlook-connect/queues';
import type { ConnectionDoc, InboxMessageDoc } from '@outlook-connect/shared';
import { recordReplyKeys } from '../send/reply-keys';
import { startInboxHarness, type InboxHarness } from '../testing/inbox-harness';
import { inboxMessageId } from './message-store';
import { receivedEventId } from './received-events';
import { syncConnection, type SyncOutcome } from './sync-connection';

// Outlook gives a message a new REST id when it moves; the product asks for immutable ids, so a move is not a new
// message. And the one-time migration of rows stored under REST ids before that.

jest.setTimeout(300_000);

let h: InboxHarness;

beforeAll(async () => {
  h = await startInboxHarness('inboxmoves', { pageSize: 50, maxPagesPerRun: 20, pollIntervalMs: 3_600_000 });
});

afterAll(async () => {
  await h?.close();
});

async function sync(connectionId: string): Promise<Extract<SyncOutcome, { kind: 'synced' }>['result']> {
  for (let i = 0; i < 20; i++) {
    const outcome = await syncConnection(h.deps, connectionId, false);
    if (outcome.kind !== 'synced') throw new Error(`sync ${outcome.kind}: ${JSON.stringify(outcome)}`);
    if (outcome.result.passCompleted) return outcome.result;
  }
  throw new Error('sync did not catch up in 20 runs');
}

const rows = (connectionId: string) =>
  h.deps.models.InboxMessage.find({ connectionId }).lean() as Promise<InboxMessageDoc[]>;
const connection = async (id: string) => (await h.deps.models.Connection.findById(id).lean()) as ConnectionDoc;
const eventsOf = async (connectionId: string) =>
  (await eventsOnQueue(h.deps.queues.queue('events'), ['waiting', 'delayed', 'completed', 'active'])).filter(
    (e) => e.connectionId === connectionId,
  );

/** A send of ours as the send pipeline records it, and the prospect's reply to it in the Inbox. */
async function sendAndReply(conn: ConnectionDoc, email: string, subject: string) {
  await h.deps
    .graph(conn._id)
    .api('/me/sendMail')
    .post({
      message: {
        subject,
        body: { contentType: 'text', content: 'Hi' },
        toRecipients: [{ emailAddress: { address: 'prospect@external.example' } }],
      },
      saveToSentItems: true,
    });
  // Exchange sends after the 202: the Sent Items copy appears once the emulator's transport is done with it.
  let found: unknown;
  for (const end = Date.now() + 30_000; !found && Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    found = h.emu.control.sentItems(email).find((m) => m.subject === subject);
  const sentItem = found as { conversationId: string; internetMessageId: string };
  expect(sentItem).toBeDefined();
  const send = await h.deps.models.Send.create({
    workspaceId: h.workspaceId,
    connectionId: conn._id,
    idempotencyKey: `key-${subject}`,
    source: 'sequence',
    status: 'sent',
    message: { to: [{ address: 'prospect@external.example' }], subject, body: { contentType: 'text', content: 'Hi' } },
    marker: `mk-${subject}`,
    conversationId: sentItem.conversationId,
    internetMessageId: sentItem.internetMessageId,
    sentAt: new Date(),
  });
  // Filed under its reply keys as markSent files a send it records sent (the inbox finds it by them).
  await recordReplyKeys(h.deps.models, send);
  const reply = h.emu.control.deliverMessage(email, {
    from: 'prospect@external.example',
    subject: `Re: ${subject}`,
    conversationId: sentItem.conversationId,
    inReplyTo: sentItem.internetMessageId,
    references: sentItem.internetMessageId,
  });
  return { send, reply };
}

describe('inbox sync across moves', () => {
  it('a reply moved out of the Inbox and back keeps its row, its event and its link to the send', async () => {
    const { connection: conn, email } = await h.connect('full', 'mover');
    await sync(conn._id);
    const { send, reply } = await sendAndReply(conn, email, 'Pricing');
    await sync(conn._id);
    const [row] = await rows(conn._id);
    expect(row?.graphId).toBe(reply.immutableId);
    const eventId = receivedEventId(conn._id, String(reply.immutableId));
    expect((await findEvent(h.deps.queues.queue('events'), eventId))?.data.inReplyToSendId).toBe(send._id);

    const graph = h.deps.graph(conn._id);
    const move = (destinationId: string) =>
      graph.api(`/me/messages/${row!.graphId}/move`).post({ destinationId }) as Promise<{ id: string }>;
    const restBefore = h.emu.control.listMessages(email).find((m) => m.immutableId === row!.graphId)?.id;

    // To Archive and back between two syncs: the same message, not a removal and a new arrival.
    expect((await move('archive')).id).toBe(row!.graphId);
    expect((await move('inbox')).id).toBe(row!.graphId);
    const afterRoundTrip = await sync(conn._id);
    expect(afterRoundTrip).toMatchObject({ added: 0, removed: 0, events: 0 });
    // Outlook did give it a new REST id: a client without immutable ids would have seen a new message.
    expect(h.emu.control.listMessages(email).find((m) => m.immutableId === row!.graphId)?.id).not.toBe(restBefore);

    // Into a folder under the Inbox and back, likewise.
    const child = (await graph.api('/me/mailFolders/inbox/childFolders').post({ displayName: 'Deals' })) as {
      id: string;
    };
    await move(child.id);
    await move('inbox');
    expect(await sync(conn._id)).toMatchObject({ added: 0, removed: 0, events: 0 });
    let now = await rows(conn._id);
    expect(now).toHaveLength(1);
    expect(now[0]).toMatchObject({ _id: row!._id, graphId: row!.graphId, createdAt: row!.createdAt });

    // Filed into the subfolder across a sync, the Inbox view lets it go (it left the Inbox); back in the Inbox it is
    // the same row id and the same event id, so the CRM gets nothing twice.
    await move(child.id);
    expect(await sync(conn._id)).toMatchObject({ removed: 1 });
    expect(await rows(conn._id)).toHaveLength(0);
    await move('inbox');
    await sync(conn._id);
    now = await rows(conn._id);
    expect(now.map((r) => r._id)).toEqual([row!._id]);
    // Emitted again on its way back, with the same id: one delivery per endpoint (webhookDeliveryId, unique in the
    // store; webhooks.int.test.ts), so the CRM gets it once.
    expect([...new Set((await eventsOf(conn._id)).map((e) => e.id))]).toEqual([eventId]);
    expect((await findEvent(h.deps.queues.queue('events'), eventId))?.data.inReplyToSendId).toBe(send._id);
  });
});

describe('moving a connection synced under REST ids onto immutable ids', () => {
  it('one full pass re-keys every stored row by internetMessageId: nothing duplicated, no event twice', async () => {
    const { connection: conn, email } = await h.connect('full', 'legacy');
    h.emu.control.deliverMessages(email, 120, { subject: 'Older' });
    const { reply } = await sendAndReply(conn, email, 'Renewal');
    await sync(conn._id);
    const eventsBefore = (await eventsOf(conn._id)).length;
    expect(eventsBefore).toBeGreaterThan(1); // the reply and the recent ones arrived while connected

    // What the product stored before it asked for immutable ids: rows keyed by REST ids, no idType on the state.
    const restOf = new Map(h.emu.control.listMessages(email).map((m) => [String(m.immutableId), String(m.id)]));
    for (const r of await rows(conn._id)) {
      const restId = restOf.get(r.graphId)!;
      await h.deps.models.InboxMessage.deleteOne({ _id: r._id });
      await h.deps.models.InboxMessage.collection.insertOne({
        ...r,
        _id: inboxMessageId(conn._id, restId),
        graphId: restId,
      } as never);
    }
    await h.deps.models.Connection.updateOne({ _id: conn._id }, { $set: { 'sync.idType': null } });
    const legacyIds = new Set((await rows(conn._id)).map((r) => r._id));
    // Meanwhile the reply moved and came back (a new REST id), and a new message arrived.
    const graph = h.deps.graph(conn._id);
    await graph.api(`/me/messages/${String(reply.immutableId)}/move`).post({ destinationId: 'archive' });
    await graph.api(`/me/messages/${String(reply.immutableId)}/move`).post({ destinationId: 'inbox' });
    const fresh = h.emu.control.deliverMessage(email, { from: 'new@external.example', subject: 'New lead' });

    const before = await connection(conn._id);
    const result = await sync(conn._id);
    expect(result.start).toMatchObject({ kind: 'full', reason: 'ids', generation: before.sync.generation + 1 });
    expect(result).toMatchObject({ rekeyed: 121, purged: 0, events: 1 });

    const after = await rows(conn._id);
    const inbox = h.emu.control.listMessages(email);
    expect(after).toHaveLength(inbox.length);
    expect(new Set(after.map((r) => r.graphId))).toEqual(new Set(inbox.map((m) => String(m.immutableId))));
    expect(after.every((r) => !legacyIds.has(r._id) && r._id === inboxMessageId(conn._id, r.graphId))).toBe(true);
    const jobs = await eventsOf(conn._id);
    expect(jobs).toHaveLength(eventsBefore + 1);
    expect(jobs.map((j) => j.id)).toContain(receivedEventId(conn._id, String(fresh.immutableId)));
    expect((await connection(conn._id)).sync).toMatchObject({
      idType: 'immutable',
      idMigrationGeneration: null,
      generation: before.sync.generation + 1,
    });

    // Done once: the next run is incremental again.
    const next = await sync(conn._id);
    expect(next.start.kind).toBe('incremental');
    expect(next).toMatchObject({ added: 0, rekeyed: 0 });
  });
});
