import { setTimeout as sleep } from 'node:timers/promises';
import { startInboxHarness, type InboxHarness } from '../testing/inbox-harness';
import { syncConnection } from './sync-connection';
import { inboxSyncJobId, scheduleInboxSync } from '@outlook-connect/queues';
import { syncSweep } from './sync-sweep';
import { syncHorizonMs } from './poll-schedule';

// Who is polled and when: the sweep, send_only connections, a throttled mailbox next to healthy ones, Redis loss.

jest.setTimeout(180_000);

let h: InboxHarness;

beforeAll(async () => {
  h = await startInboxHarness('inboxsched', { pageSize: 50, pollIntervalMs: 2_000, jitter: 0 });
});

afterAll(async () => {
  await h?.close();
});

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  deadlineMs = 60_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

const deltaRequests = (email: string) =>
  h.emu.control.requestLog(email).filter((e) => e.path.endsWith('/messages/delta'));
/** The sweep reads a minute once it is over: these deps run it a minute and a bit from now. */
const minuteLater = () => ({ ...h.deps, now: () => Date.now() + 61_000 });
const count = (connectionId: string) => h.deps.models.InboxMessage.countDocuments({ connectionId });
const syncJob = (connectionId: string) => h.deps.queues.queue('inbox-sync').getJob(inboxSyncJobId(connectionId));
let horizon: number;
beforeAll(() => {
  horizon = syncHorizonMs(h.policy);
});

describe('inbox polling', () => {
  it('polls read connections, never send_only ones, and a throttled mailbox does not hold up the others', async () => {
    const throttled = await h.connect('read_only', 'throttled');
    const healthy = await h.connect('full', 'healthy');
    const sendOnly = await h.connect('send_only', 'sendonly');
    for (const c of [throttled, healthy, sendOnly]) h.emu.control.deliverMessages(c.email, 3);

    // The throttled mailbox gets a 429 with Retry-After 120 s on its delta request.
    const fault = h.emu.control.injectFault({
      method: 'GET',
      path: '/messages/delta$',
      status: 429,
      retryAfterSec: 120,
      times: 1,
    });
    const first = await syncConnection(h.deps, throttled.connection._id, false);
    h.emu.control.removeFault(fault);
    expect(first.kind).toBe('failed');
    expect(first.kind === 'failed' && first.failure.code).toBe('throttled');
    expect(first.kind === 'failed' ? first.atMs : 0).toBeGreaterThanOrEqual(Date.now() + 100_000);
    expect(await h.deps.gate.pausedUntil(throttled.connection._id)).toBeGreaterThan(Date.now() + 100_000);

    // The sweep hands out what the store says is due within its horizon: the healthy read connection, not send_only,
    // not the paused one (due after its Retry-After, beyond the horizon).
    const sweep = await syncSweep(h.deps);
    expect(sweep.handedOut).toBe(1);
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(healthy.connection._id))).not.toBe(
      'unknown',
    );
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(sendOnly.connection._id))).toBe(
      'unknown',
    );
    await scheduleInboxSync(h.deps.queues, throttled.connection._id);

    h.startWorker();
    await until('the healthy mailbox synced', async () => (await count(healthy.connection._id)) === 3);
    // ...and polled again on its interval, while the throttled one waits out its Retry-After.
    await until('a second poll of the healthy mailbox', async () => deltaRequests(healthy.email).length >= 2);
    expect(deltaRequests(throttled.email)).toHaveLength(1);
    expect(await count(throttled.connection._id)).toBe(0);
    const throttledJob = await h.deps.queues.queue('inbox-sync').getJob(inboxSyncJobId(throttled.connection._id));
    expect(await throttledJob?.getState()).toBe('delayed');

    // A send_only connection is never polled, even when a job is put there by hand: it ends without a Graph call.
    await scheduleInboxSync(h.deps.queues, sendOnly.connection._id);
    await until(
      'the send_only job ended (and is gone: a finished sync job is removed)',
      async () =>
        (await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(sendOnly.connection._id))) === 'unknown',
    );
    expect(deltaRequests(sendOnly.email)).toHaveLength(0);
    await h.stopWorker();
  });

  it('the sweep puts a lost schedule back (Redis loss) and leaves live ones alone', async () => {
    const { connection } = await h.connect('read_only', 'healed');
    expect(await scheduleInboxSync(h.deps.queues, connection._id, 60_000)).toBe('added');
    expect(await scheduleInboxSync(h.deps.queues, connection._id)).toBe('exists');

    await h.deps.queues.queue('inbox-sync').remove(inboxSyncJobId(connection._id));
    await h.deps.models.Connection.updateOne(
      { _id: connection._id },
      { $set: { 'sync.nextSyncAt': new Date(Date.now() - 1_000) } },
    );
    const healed = await syncSweep(minuteLater());
    expect(healed.handedOut).toBeGreaterThanOrEqual(1);
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(connection._id))).toBe('waiting');
    const job = await h.deps.queues.queue('inbox-sync').getJob(inboxSyncJobId(connection._id));
    await syncSweep(minuteLater());
    const after = await h.deps.queues.queue('inbox-sync').getJob(inboxSyncJobId(connection._id));
    expect(after?.timestamp).toBe(job?.timestamp); // the same job, not removed and re-added
  });

  it('a needs_reconnect connection stops being polled and the sweep resumes it once active again', async () => {
    const { connection, email } = await h.connect('read_only', 'recover');
    await h.deps.models.Connection.updateOne({ _id: connection._id }, { $set: { status: 'needs_reconnect' } });
    const stopped = await syncConnection(h.deps, connection._id, false);
    expect(stopped).toEqual({ kind: 'stopped', reason: 'needs_reconnect' });
    const passed = await syncSweep(minuteLater());
    expect(passed.moved).toBeGreaterThanOrEqual(1); // looked at again in an hour
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(connection._id))).toBe('unknown');
    expect(deltaRequests(email)).toHaveLength(0);

    // Active again by a store write (not markRecovered, which files it for now): the sweep looks at a connection
    // that needs reconnecting again within the hour, and resumes it then.
    await h.deps.models.Connection.updateOne({ _id: connection._id }, { $set: { status: 'active' } });
    await syncSweep({ ...h.deps, now: () => Date.now() + 3 * 60_000 });
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(connection._id))).toBe('unknown');
    expect((await syncSweep({ ...h.deps, now: () => Date.now() + 63 * 60_000 })).handedOut).toBeGreaterThanOrEqual(1);
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(connection._id))).toBe('waiting');
  });

  it('after a Redis loss the sweep finds a connection at its next sync, filed by its last poll', async () => {
    const { connection, email } = await h.connect('read_only', 'lost');
    h.emu.control.deliverMessages(email, 2);
    const synced = await syncConnection(h.deps, connection._id, false);
    expect(synced.kind).toBe('synced');
    const nextAt = synced.kind === 'synced' ? synced.atMs : 0;
    // Its job is gone (no worker ran it, as after a flush); nothing is due before its next sync.
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(connection._id))).toBe('unknown');
    await syncSweep({ ...h.deps, now: () => nextAt - horizon - 1 });
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(connection._id))).toBe('unknown');
    const after = await syncSweep({ ...h.deps, now: () => nextAt + 60_000 });
    expect(after.handedOut).toBeGreaterThanOrEqual(1);
    expect(await h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(connection._id))).toBe('waiting');
  });

  it('a run whose next sync is beyond the horizon ends its job; the sweep hands it out shortly before it is due', async () => {
    const { connection, email } = await h.connect('read_only', 'later');
    h.emu.control.deliverMessages(email, 1);
    // Only this mailbox's job runs (the fault below is any mailbox's next delta request).
    await h.deps.queues.queue('inbox-sync').obliterate({ force: true });
    // Throttled for longer than the horizon: the next sync waits for the Retry-After.
    const fault = h.emu.control.injectFault({
      method: 'GET',
      path: '/messages/delta$',
      status: 429,
      retryAfterSec: 300,
      times: 1,
    });
    expect(await scheduleInboxSync(h.deps.queues, connection._id)).toBe('added');
    h.startWorker();
    await until('the throttled run', async () => {
      const c = await h.deps.models.Connection.findById(connection._id).lean();
      return c?.sync?.lastError?.code === 'throttled';
    });
    // Its job ends: Redis holds nothing for this mailbox until its next sync comes near.
    await until('the job ended', async () => !(await syncJob(connection._id)));
    await h.stopWorker();
    const nextAt = (await h.deps.models.Connection.findById(connection._id).lean())!.sync.nextSyncAt!;
    h.emu.control.removeFault(fault);
    expect(nextAt.getTime()).toBeGreaterThanOrEqual(Date.now() + 250_000);

    // The store's schedule has it: a pass before its horizon leaves it there, the pass within it hands it out delayed
    // to its next sync (never before the Retry-After).
    const at = nextAt.getTime();
    await syncSweep({ ...h.deps, now: () => at - horizon - 10_000 });
    expect(await syncJob(connection._id)).toBeUndefined();
    await syncSweep({ ...h.deps, now: () => at - horizon / 2 });
    const job = await syncJob(connection._id);
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.delay).toBeGreaterThanOrEqual(horizon / 2 - 1);
    expect(job?.opts.delay).toBeLessThanOrEqual(horizon / 2 + 1);
  });
  it("a job under the former id convention runs once and hands its next sync to the connection's one job id", async () => {
    const { connection } = await h.connect('read_only', 'formerid');
    await h.deps.queues.queue('inbox-sync').obliterate({ force: true });
    const former = `inbox-sync-${connection._id}`;
    await h.deps.queues.enqueue('inbox-sync', { connectionId: connection._id }, { jobId: former });
    h.startWorker();
    await until('the former job ended', async () => !(await h.deps.queues.queue('inbox-sync').getJob(former)));
    const job = await until('the job under its id', () => syncJob(connection._id));
    await h.stopWorker();
    expect(job.data).toEqual({ connectionId: connection._id });
    expect(await h.deps.queues.queue('inbox-sync').getJob(former)).toBeUndefined();
  });
});
