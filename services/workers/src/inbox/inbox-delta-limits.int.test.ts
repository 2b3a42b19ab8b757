import type { ConnectionDoc } from '@outlook-connect/shared';
import { startInboxHarness, type InboxHarness } from '../testing/inbox-harness';
import { syncConnection, type SyncOutcome } from './sync-connection';

// Delta as Exchange limits it (5,000 messages with $filter, resets as 410 + Location or 4xx syncStateNotFound,
// possibly mid-pass) against the emulator, the real store and Redis: nothing stored is removed because of a cap or a
// reset, nothing is duplicated, and the mirror window decides what is added.

jest.setTimeout(600_000);

let h: InboxHarness;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  h = await startInboxHarness('inboxlimits', { pageSize: 20, maxPagesPerRun: 3, pollIntervalMs: 3_600_000 });
});

afterAll(async () => {
  await h?.close();
});

async function syncUntilCaughtUp(connectionId: string, deps = h.deps): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (let i = 0; i < 40; i++) {
    const outcome = await syncConnection(deps, connectionId, false);
    outcomes.push(outcome);
    if (outcome.kind !== 'synced') throw new Error(`sync ${outcome.kind}: ${JSON.stringify(outcome)}`);
    if (outcome.result.passCompleted) return outcomes;
  }
  throw new Error('sync did not catch up in 40 runs');
}

const rows = (connectionId: string) => h.deps.models.InboxMessage.find({ connectionId }).lean();
// The product asks for immutable ids (Prefer: IdType="ImmutableId"), so stored graphIds are those.
const inboxIds = (email: string) => h.emu.control.listMessages(email).map((m) => String(m.immutableId));
const connection = async (id: string) => (await h.deps.models.Connection.findById(id).lean()) as ConnectionDoc;

describe('inbox sync under delta limits', () => {
  it('mirrors a mailbox larger than the filtered-delta cap completely (the pass is never filtered)', async () => {
    const { connection: conn, email } = await h.connect('read_only', 'overcap');
    h.emu.control.setMailboxSettings(email, { deltaFilterCap: 50 });
    h.emu.control.deliverMessages(email, 180, { spacingSec: 3600 });
    const outcomes = await syncUntilCaughtUp(conn._id);
    expect(outcomes.length).toBeGreaterThan(1);
    const stored = await rows(conn._id);
    expect(stored).toHaveLength(180);
    expect(new Set(stored.map((r) => r.graphId))).toEqual(new Set(inboxIds(email)));
    expect((await connection(conn._id)).sync.syncedCount).toBe(180);
  });

  it('a run cut at its page budget writes its success with the last pageLink, and the next run resumes there', async () => {
    const { connection: conn, email } = await h.connect('read_only', 'budgetcut');
    h.emu.control.deliverMessages(email, 70);
    const spy = jest.spyOn(h.deps.models.Connection, 'updateOne');
    const writes = () => spy.mock.calls.filter(([filter]) => (filter as { _id?: unknown })._id === conn._id).length;
    try {
      const first = await syncConnection(h.deps, conn._id, false);
      expect(first.kind === 'synced' && first.result).toMatchObject({ passCompleted: false, pages: 3, added: 60 });
      // the first page's link with the pass's start and the attempt (a never-synced connection), the second's, the
      // third's with the success
      expect(writes()).toBe(3);
      const cut = await connection(conn._id);
      expect(cut.sync).toMatchObject({ pendingGeneration: 1, idType: 'immutable', initialSyncComplete: false });
      expect(cut.sync.lastAttemptAt).toBeInstanceOf(Date);
      expect(cut.sync.pageLink).toContain('$skiptoken=');
      expect(cut.sync).toMatchObject({ syncedCount: 60, consecutiveFailures: 0, lastError: null });
      expect(cut.sync.lastSuccessAt).toBeInstanceOf(Date);
      // a cut pass continues at once
      expect(first.kind === 'synced' && first.atMs).toBe(cut.sync.nextSyncAt!.getTime());
      expect(cut.sync.nextSyncAt!.getTime()).toBe(cut.sync.lastSuccessAt!.getTime());

      const next = await syncConnection(h.deps, conn._id, false);
      expect(next.kind === 'synced' && next.result).toMatchObject({
        start: { kind: 'resume' },
        passCompleted: true,
        added: 10,
      });
      const done = await connection(conn._id);
      expect(done.sync).toMatchObject({ pageLink: null, syncedCount: 70, initialSyncComplete: true });
      expect(done.sync.nextSyncAt!.getTime()).toBeGreaterThan(done.sync.lastSuccessAt!.getTime());
      expect(await h.deps.models.InboxMessage.countDocuments({ connectionId: conn._id })).toBe(70);
    } finally {
      spy.mockRestore();
    }
  });

  it('a reset in the middle of a pass (410 + Location) or after it (400 syncStateNotFound) loses and duplicates nothing', async () => {
    const { connection: conn, email } = await h.connect('read_only', 'midreset');
    h.emu.control.deliverMessages(email, 150);
    // One run stops at its page budget (3 pages of 20): the pass is open, 60 rows stored.
    const first = await syncConnection(h.deps, conn._id, false);
    expect(first.kind === 'synced' && first.result).toMatchObject({ passCompleted: false, added: 60 });
    const before = new Map((await rows(conn._id)).map((r) => [r._id, r.createdAt.getTime()]));
    expect(before.size).toBe(60);

    h.emu.control.invalidateDeltaTokens(email); // the stored pageLink (a skip token) now answers 410 + Location
    h.emu.control.deliverMessages(email, 5, { subject: 'During the reset' });
    const outcomes = await syncUntilCaughtUp(conn._id);
    expect(outcomes[0]?.kind === 'synced' && outcomes[0].result.start).toMatchObject({
      kind: 'full',
      reason: 'resync',
    });
    const after = await rows(conn._id);
    expect(after).toHaveLength(155);
    expect(new Set(after.map((r) => r.graphId))).toEqual(new Set(inboxIds(email)));
    // The 60 rows of the interrupted pass were never removed and re-added: same rows, same createdAt.
    for (const [id, at] of before) expect(after.find((r) => r._id === id)?.createdAt.getTime()).toBe(at);

    const created = new Map(after.map((r) => [r._id, r.createdAt.getTime()]));
    h.emu.control.invalidateDeltaTokens(email, 'syncStateNotFound', 400);
    await syncUntilCaughtUp(conn._id);
    const again = await rows(conn._id);
    expect(again).toHaveLength(155);
    for (const r of again) expect(r.createdAt.getTime()).toBe(created.get(r._id));
    expect((await connection(conn._id)).sync).toMatchObject({
      pendingGeneration: null,
      pageLink: null,
      consecutiveFailures: 0,
    });
  });

  it('with a mirror window, adds only recent messages and never removes older ones already stored', async () => {
    const { connection: conn, email } = await h.connect('read_only', 'window');
    const old = Date.now() - 10 * DAY;
    for (let i = 0; i < 3; i++)
      h.emu.control.deliverMessage(email, {
        from: 'old@external.example',
        subject: `Old ${i}`,
        receivedDateTime: new Date(old + i * 60_000).toISOString(),
      });
    h.emu.control.deliverMessages(email, 2, { subject: 'Recent' });

    const windowed = { ...h.deps, inboxPolicy: { ...h.policy, mirrorDays: 7 } };
    const [outcome] = await syncUntilCaughtUp(conn._id, windowed);
    expect(outcome?.kind === 'synced' && outcome.result).toMatchObject({ added: 2, outsideWindow: 3 });
    expect((await rows(conn._id)).map((r) => r.subject).sort()).toEqual(['Recent 1', 'Recent 2']);

    // Mirroring everything adds the older ones; narrowing the window again and resyncing removes none of them.
    h.emu.control.invalidateDeltaTokens(email);
    await syncUntilCaughtUp(conn._id);
    expect(await rows(conn._id)).toHaveLength(5);
    h.emu.control.invalidateDeltaTokens(email);
    const older = inboxIds(email).find((id) =>
      h.emu.control.listMessages(email).find((m) => String(m.immutableId) === id && String(m.subject) === 'Old 0'),
    );
    h.emu.control.updateMessage(email, String(older), { isRead: true });
    await syncUntilCaughtUp(conn._id, windowed);
    const kept = await rows(conn._id);
    expect(kept).toHaveLength(5);
    // A stored message outside the window is still kept up to date.
    expect(kept.find((r) => r.graphId === older)?.isRead).toBe(true);
  });
});
