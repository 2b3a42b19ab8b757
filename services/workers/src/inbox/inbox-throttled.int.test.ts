import type { ConnectionDoc } from '@outlook-connect/shared';
import { waitFor } from '@outlook-connect/stack';
import { startInboxHarness, type InboxHarness } from '../testing/inbox-harness';
import { syncConnection } from './sync-connection';

// Graph's unavailability and throttling answers through the real gate: a 503 with Retry-After pauses the mailbox for
// that long (every process sees the pause), a MailboxConcurrency 429 is a transient failure, retried later.

jest.setTimeout(120_000);

let h: InboxHarness;

beforeAll(async () => {
  h = await startInboxHarness('inboxthrottled', { pageSize: 50, maxPagesPerRun: 5, pollIntervalMs: 3_600_000 });
});
afterAll(async () => h?.close());
afterEach(() => {
  h.emu.control.clearFaults();
  h.emu.control.setLimits({ mailboxConcurrency: 4 });
});

const connection = async (id: string) => (await h.deps.models.Connection.findById(id).lean()) as ConnectionDoc;

it('a 503 serviceNotAvailable with Retry-After pauses the mailbox; the next run waits, then syncs', async () => {
  const { connection: conn } = await h.connect('read_only', 'unavailable');
  h.emu.control.injectFault({ method: 'GET', path: '/messages/delta$', status: 503, retryAfterSec: 30, times: 1 });
  const started = Date.now();
  const failed = await syncConnection(h.deps, conn._id, false);
  expect(failed).toMatchObject({
    kind: 'failed',
    failure: { kind: 'transient', code: 'server_error', status: 503, graphCode: 'serviceNotAvailable' },
  });
  const pausedUntil = await h.deps.gate.pausedUntil(conn._id);
  expect(pausedUntil).toBeGreaterThanOrEqual(started + 29_000);
  // While paused, a run does not touch Graph: it is told when to come back.
  const before = h.emu.control.requestLog().length;
  const busy = await syncConnection(h.deps, conn._id, false);
  expect(busy).toMatchObject({ kind: 'busy' });
  expect(busy.kind === 'busy' && busy.atMs).toBeGreaterThanOrEqual(pausedUntil! - 1);
  expect(h.emu.control.requestLog().length).toBe(before);
  expect((await connection(conn._id)).status).toBe('active');
});

it('a MailboxConcurrency 429 is a transient failure retried later, never a reason to reconnect', async () => {
  const { connection: conn } = await h.connect('read_only', 'concurrent');
  // Other clients of the mailbox hold its 4 slots at Outlook: every request of ours is over the limit.
  h.emu.control.setLimits({ mailboxConcurrency: 0 });
  const failed = await syncConnection(h.deps, conn._id, false);
  expect(failed).toMatchObject({
    kind: 'failed',
    failure: { kind: 'transient', code: 'throttled', status: 429, retryAfterMs: 1000 },
  });
  expect(failed.kind === 'failed' && failed.failure.message).toContain('MailboxConcurrency');
  const after = await connection(conn._id);
  expect(after.status).toBe('active');
  expect(after.sync.nextSyncAt).toBeInstanceOf(Date);

  h.emu.control.setLimits({ mailboxConcurrency: 4 });
  const pauseOver = async () => ((await h.deps.gate.pausedUntil(conn._id)) ?? 0) < Date.now();
  await waitFor(pauseOver, 10_000, 'the 1 s pause after the 429');
  expect(await syncConnection(h.deps, conn._id, false)).toMatchObject({ kind: 'synced' });
});
