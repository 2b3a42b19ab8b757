import { eventsOnQueue, findEvent } from '@outlook-connect/queues';
import type { ConnectionDoc } from '@outlook-connect/shared';
import { waitFor } from '@outlook-connect/stack';
import { recordReplyKeys } from '../send/reply-keys';
import { startInboxHarness, type InboxHarness } from '../testing/inbox-harness';
import { inboxMessageId } from './message-store';
import { receivedEventId } from './received-events';
import { syncConnection, type SyncOutcome } from './sync-connection';

// Inbox delta sync against the emulator, the real store and Redis: paging, changes, resync, replay, reply events.

jest.setTimeout(600_000);

let h: InboxHarness;

beforeAll(async () => {
  h = await startInboxHarness('inboxsync', { pageSize: 100, maxPagesPerRun: 20, pollIntervalMs: 3_600_000 });
});

afterAll(async () => {
  await h?.close();
});

/** Runs syncs until a pass completes (a run stops at maxPagesPerRun pages). */
async function syncUntilCaughtUp(connectionId: string): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (let i = 0; i < 20; i++) {
    const outcome = await syncConnection(h.deps, connectionId, false);
    outcomes.push(outcome);
    if (outcome.kind !== 'synced') throw new Error(`sync ${outcome.kind}: ${JSON.stringify(outcome)}`);
    if (outcome.result.passCompleted) return outcomes;
  }
  throw new Error('sync did not catch up in 20 runs');
}

const stored = (connectionId: string) => h.deps.models.InboxMessage.find({ connectionId }).lean();
// The product asks for immutable ids (Prefer: IdType="ImmutableId"), so stored graphIds are those.
const inboxIds = (email: string) => h.emu.control.listMessages(email).map((m) => String(m.immutableId));
const immutableIdOf = (email: string, id: unknown) =>
  String(h.emu.control.listMessages(email).find((m) => m.id === id)?.immutableId);
const eventsQueue = () => h.deps.queues.queue('events');
const connection = async (id: string) => (await h.deps.models.Connection.findById(id).lean()) as ConnectionDoc;

describe('inbox sync', () => {
  it('mirrors an Inbox of 5,000 messages completely through paging', async () => {
    const { connection: conn, email } = await h.connect('read_only', 'bulk');
    h.emu.control.deliverMessages(email, 5000, { spacingSec: 30 });

    const outcomes = await syncUntilCaughtUp(conn._id);
    const pages = outcomes.reduce((n, o) => n + (o.kind === 'synced' ? o.result.pages : 0), 0);
    expect(outcomes.length).toBeGreaterThan(1); // the run budget (20 pages) was hit and the pass resumed from pageLink
    expect(pages).toBeGreaterThanOrEqual(50);

    expect(await h.deps.models.InboxMessage.countDocuments({ connectionId: conn._id })).toBe(5000);
    expect(new Set((await stored(conn._id)).map((m) => m.graphId))).toEqual(new Set(inboxIds(email)));
    const after = await connection(conn._id);
    expect(after.sync).toMatchObject({
      initialSyncComplete: true,
      generation: 1,
      pageLink: null,
      pendingGeneration: null,
      syncedCount: 5000,
      consecutiveFailures: 0,
      lastError: null,
    });
    expect(after.sync.deltaLink).toContain('$deltatoken=');
    expect(after.sync.cursorCreatedAt).toBeInstanceOf(Date);
    const delta = h.emu.control.requestLog(email).filter((e) => e.path.endsWith('/messages/delta'));
    expect(delta.length).toBe(pages);
  });

  it("writes a first run's connection state once and a later run's twice (the attempt, the cursor with the success)", async () => {
    const { connection: conn, email } = await h.connect('read_only', 'writes');
    h.emu.control.deliverMessages(email, 30);
    // Connection writes of this mailbox's runs (FerretDB serializes every write: each one costs every mailbox).
    const spy = jest.spyOn(h.deps.models.Connection, 'updateOne');
    const writes = () => spy.mock.calls.filter(([filter]) => (filter as { _id?: unknown })._id === conn._id).length;
    try {
      const [first] = await syncUntilCaughtUp(conn._id);
      expect(first?.kind === 'synced' && first.result).toMatchObject({ start: { kind: 'full' }, added: 30 });
      // A never-synced connection: the pass's start (with lastAttemptAt) goes with the completed pass's cursor,
      // lastSuccessAt and nextSyncAt in one write.
      expect(writes()).toBe(1);
      const afterFull = await connection(conn._id);
      expect(afterFull.sync).toMatchObject({ initialSyncComplete: true, consecutiveFailures: 0, lastError: null });
      expect(afterFull.sync.lastAttemptAt).toBeInstanceOf(Date);
      expect(afterFull.sync.lastSuccessAt!.getTime()).toBeGreaterThanOrEqual(afterFull.sync.lastAttemptAt!.getTime());
      expect(afterFull.sync.nextSyncAt!.getTime()).toBeGreaterThan(afterFull.sync.lastSuccessAt!.getTime());
      const before = writes();

      h.emu.control.deliverMessage(email, { from: 'next@external.example', subject: 'Incremental' });
      const [next] = await syncUntilCaughtUp(conn._id);
      expect(next?.kind === 'synced' && next.result).toMatchObject({ start: { kind: 'incremental' }, added: 1 });
      // the attempt, then the new cursor with the success
      expect(writes() - before).toBe(2);
      const afterNext = await connection(conn._id);
      expect(afterNext.sync.lastSuccessAt!.getTime()).toBeGreaterThan(afterFull.sync.lastSuccessAt!.getTime());
      expect(afterNext.sync.deltaLink).not.toBe(afterFull.sync.deltaLink);
    } finally {
      spy.mockRestore();
    }
  });

  it('reflects new, changed and deleted messages after the next sync', async () => {
    const { connection: conn, email } = await h.connect('full', 'changes');
    const [first, second, third] = h.emu.control.deliverMessages(email, 3).map((id) => immutableIdOf(email, id));
    await syncUntilCaughtUp(conn._id);
    expect(await h.deps.models.InboxMessage.countDocuments({ connectionId: conn._id })).toBe(3);

    h.emu.control.updateMessage(email, String(first), { isRead: true });
    h.emu.control.deleteMessage(email, String(second));
    const fresh = h.emu.control.deliverMessage(email, {
      from: 'new@external.example',
      subject: 'Brand new',
      body: 'hello there',
    });
    const [outcome] = await syncUntilCaughtUp(conn._id);
    expect(outcome?.kind === 'synced' && outcome.result).toMatchObject({ added: 1, updated: 1, removed: 1 });

    const rows = await stored(conn._id);
    expect(rows.map((r) => r.graphId).sort()).toEqual([String(first), String(third), String(fresh.immutableId)].sort());
    expect(rows.find((r) => r.graphId === String(first))?.isRead).toBe(true);
    const added = rows.find((r) => r.graphId === String(fresh.immutableId));
    expect(added).toMatchObject({
      _id: inboxMessageId(conn._id, String(fresh.immutableId)),
      workspaceId: h.workspaceId,
      subject: 'Brand new',
      bodyPreview: 'hello there',
      from: { address: 'new@external.example' },
      isRead: false,
      hasAttachments: false,
    });
    expect(added?.conversationId).toBe(fresh.conversationId);
    expect(added?.internetMessageId).toBe(fresh.internetMessageId);
    expect(added?.to.map((a) => a.address)).toEqual([email]);
  });

  it('resyncs fully after the delta token is invalidated: no duplicates, nothing lost, stale rows gone', async () => {
    const { connection: conn, email } = await h.connect('read_only', 'resync');
    h.emu.control.deliverMessages(email, 250);
    await syncUntilCaughtUp(conn._id);
    const before = await connection(conn._id);

    h.emu.control.invalidateDeltaTokens(email, 'syncStateNotFound');
    const removed = inboxIds(email)[0] as string;
    h.emu.control.deleteMessage(email, removed);
    h.emu.control.deliverMessage(email, { from: 'late@external.example', subject: 'During the outage' });
    const outcomes = await syncUntilCaughtUp(conn._id);

    const first = outcomes[0];
    expect(first?.kind === 'synced' && first.result.start).toMatchObject({
      kind: 'full',
      reason: 'resync',
      generation: before.sync.generation + 1,
    });
    const rows = await stored(conn._id);
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((r) => r.graphId))).toEqual(new Set(inboxIds(email)));
    expect(rows.every((r) => r.syncGeneration === before.sync.generation + 1)).toBe(true);
    const after = await connection(conn._id);
    expect(after.sync.generation).toBe(before.sync.generation + 1);
    expect(after.sync.deltaLink).not.toBe(before.sync.deltaLink);
    expect(after.sync.pendingGeneration).toBeNull();

    // resyncRequired is handled the same way, and incremental sync works on the new cursor
    h.emu.control.invalidateDeltaTokens(email, 'resyncRequired');
    await syncUntilCaughtUp(conn._id);
    h.emu.control.deliverMessage(email, { from: 'after@external.example', subject: 'After resync' });
    const [next] = await syncUntilCaughtUp(conn._id);
    expect(next?.kind === 'synced' && next.result).toMatchObject({ start: { kind: 'incremental' }, added: 1 });
    expect(await h.deps.models.InboxMessage.countDocuments({ connectionId: conn._id })).toBe(251);
  });

  it('emits message.received once per new message, linked to the send it answers; a replayed page changes nothing', async () => {
    const { connection: conn, email } = await h.connect('full', 'reply');
    await syncUntilCaughtUp(conn._id);

    // A message we sent: through Graph, recorded as a Send with what the send pipeline stores.
    await h.deps
      .graph(conn._id)
      .api('/me/sendMail')
      .post({
        message: {
          subject: 'Quick question',
          body: { contentType: 'text', content: 'Hi' },
          toRecipients: [{ emailAddress: { address: 'prospect@external.example' } }],
        },
        saveToSentItems: true,
      });
    // Exchange sends after the 202: the copy reaches Sent Items a moment later.
    await waitFor(async () => h.emu.control.sentItems(email).length > 0, 20_000, 'the Sent Items copy');
    const sentItem = h.emu.control.sentItems(email)[0] as { conversationId: string; internetMessageId: string };
    const send = await h.deps.models.Send.create({
      workspaceId: h.workspaceId,
      connectionId: conn._id,
      idempotencyKey: 'seq-1-step-1',
      source: 'sequence',
      status: 'sent',
      message: {
        to: [{ address: 'prospect@external.example' }],
        subject: 'Quick question',
        body: { contentType: 'text', content: 'Hi' },
      },
      marker: 'mk-1',
      conversationId: sentItem.conversationId,
      internetMessageId: sentItem.internetMessageId,
      sentAt: new Date(),
    });
    // Filed under its reply keys as markSent files a send it records sent (the inbox finds it by them).
    await recordReplyKeys(h.deps.models, send);
    const reply = h.emu.control.deliverMessage(email, {
      from: { address: 'prospect@external.example', name: 'Pat Prospect' },
      subject: 'Re: Quick question',
      conversationId: sentItem.conversationId,
      inReplyTo: sentItem.internetMessageId,
      references: sentItem.internetMessageId,
    });
    const unrelated = h.emu.control.deliverMessage(email, { from: 'news@external.example', subject: 'Newsletter' });
    await syncUntilCaughtUp(conn._id);

    const replyEvent = await findEvent(eventsQueue(), receivedEventId(conn._id, String(reply.immutableId)));
    expect(replyEvent).toMatchObject({
      type: 'message.received',
      workspaceId: h.workspaceId,
      connectionId: conn._id,
      data: {
        messageId: inboxMessageId(conn._id, String(reply.immutableId)),
        conversationId: sentItem.conversationId,
        internetMessageId: reply.internetMessageId,
        inReplyTo: sentItem.internetMessageId,
        references: [sentItem.internetMessageId],
        from: { address: 'prospect@external.example', name: 'Pat Prospect' },
        subject: 'Re: Quick question',
        inReplyToSendId: send._id,
      },
    });
    const other = await findEvent(eventsQueue(), receivedEventId(conn._id, String(unrelated.immutableId)));
    expect(other?.data.inReplyToSendId).toBeNull();

    const countEvents = async () =>
      (await eventsOnQueue(eventsQueue(), ['waiting', 'delayed', 'completed', 'active'])).filter(
        (e) => e.connectionId === conn._id,
      ).length;
    const eventsBefore = await countEvents();
    expect(eventsBefore).toBe(2);

    // The same page again (Graph replays pages): no duplicate row, no second event.
    h.emu.control.replayDeltaPage(email);
    const [replayed] = await syncUntilCaughtUp(conn._id);
    expect(replayed?.kind === 'synced' && replayed.result).toMatchObject({ added: 0, events: 0 });
    expect(await h.deps.models.InboxMessage.countDocuments({ connectionId: conn._id })).toBe(2);
    expect(await countEvents()).toBe(eventsBefore);
  });

  it("a first sync that dies before its first connection write stores each message once and emits each arrival's event once", async () => {
    const { connection: conn, email } = await h.connect('read_only', 'crashfirst');
    for (let i = 0; i < 3; i++)
      h.emu.control.deliverMessage(email, {
        from: 'old@external.example',
        subject: `History ${i}`,
        receivedDateTime: new Date(Date.now() - (10 + i) * 24 * 3600_000).toISOString(),
      });
    h.emu.control.deliverMessages(email, 2, { subject: 'Arrived' });
    // The run's rows and events are written, then its first connection write (the pass's start and cursor) fails.
    const cursorWrite = jest.spyOn(h.deps.models.Connection, 'updateOne');
    cursorWrite.mockImplementationOnce((() => Promise.reject(new Error('store lost'))) as never);
    try {
      const crashed = await syncConnection(h.deps, conn._id, false);
      expect(crashed.kind).toBe('failed');
    } finally {
      cursorWrite.mockRestore();
    }
    expect(await stored(conn._id)).toHaveLength(5);
    const pristine = await connection(conn._id);
    expect(pristine.sync).toMatchObject({ generation: 0, pendingGeneration: null, pageLink: null, deltaLink: null });

    // The next run starts the same pass (generation 1) and finds every row and event already there.
    const [again] = await syncUntilCaughtUp(conn._id);
    expect(again?.kind === 'synced' && again.result).toMatchObject({
      start: { kind: 'full', generation: 1 },
      added: 0,
      updated: 5,
      events: 0,
    });
    const rows = await stored(conn._id);
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.graphId))).toEqual(new Set(inboxIds(email)));
    expect(rows.every((r) => r.syncGeneration === 1)).toBe(true);
    const events = (await eventsOnQueue(eventsQueue(), ['waiting', 'delayed', 'completed', 'active'])).filter(
      (e) => e.connectionId === conn._id,
    );
    expect(events.map((e) => (e.data as { subject: string }).subject).sort()).toEqual(['Arrived 1', 'Arrived 2']);
    expect((await connection(conn._id)).sync).toMatchObject({
      generation: 1,
      pendingGeneration: null,
      idType: 'immutable',
      initialSyncComplete: true,
    });
  });

  it('emits no events for the history the first sync mirrors', async () => {
    const { connection: conn, email } = await h.connect('read_only', 'history');
    h.emu.control.deliverMessage(email, {
      from: 'old@external.example',
      subject: 'Old',
      receivedDateTime: new Date(Date.now() - 10 * 24 * 3600_000).toISOString(),
    });
    const [outcome] = await syncUntilCaughtUp(conn._id);
    expect(outcome?.kind === 'synced' && outcome.result).toMatchObject({ added: 1, events: 0 });
  });
});
