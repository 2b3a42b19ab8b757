import { waitFor } from '@outlook-connect/stack';
import type { ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import { startSendHarness, type SendHarness } from '../testing/send-harness';

// Many mailboxes, worker processes that die, Graph throttling: every send goes out exactly once, limits hold
// across processes, and one paused mailbox does not hold up the others.

// Generous liveness bounds, not performance assertions: the test store (FerretDB on SQLite) is slow on a busy machine.
jest.setTimeout(1_800_000);

let h: SendHarness;

beforeAll(async () => {
  // The emulator's own send cap is raised so that ours (30/min per mailbox by default) is the one that binds.
  h = await startSendHarness('sendload', { limits: { sendsPerMinute: 1_000 } });
});

afterAll(async () => {
  await h?.close();
});

const Send = () => h.clients.deps.models.Send;
const countSent = (ids: string[]) => Send().countDocuments({ _id: { $in: ids }, status: 'sent' });

async function connectMany(count: number, name: string): Promise<Array<{ connection: ConnectionDoc; email: string }>> {
  const out = [];
  for (let i = 0; i < count; i += 1) out.push(await h.connect('full', `${name}${i}`));
  return out;
}

async function enqueueAll(
  mailboxes: Array<{ connection: ConnectionDoc }>,
  perMailbox: number,
  tag: string,
): Promise<SendDoc[]> {
  const sends: SendDoc[] = [];
  for (let i = 0; i < perMailbox; i += 1) {
    const batch = mailboxes.map((m, j) =>
      h.sends.enqueueSend({
        workspaceId: h.workspaceId,
        connectionId: m.connection._id,
        idempotencyKey: `${tag}-${j}-${i}`,
        source: 'ai_sdr',
        message: {
          to: [`lead-${j}-${i}@example.com`],
          subject: `${tag} ${j}/${i}`,
          body: { contentType: 'text', content: 'Hi' },
        },
      }),
    );
    for (const r of await Promise.all(batch)) sends.push(r.send);
  }
  return sends;
}

function expectEachMarkerOnce(sends: SendDoc[]): void {
  const counts = h.emu.control.counters().sendsByMarker;
  const wrong = sends.filter((s) => counts[s.marker] !== 1).map((s) => `${s._id}: ${counts[s.marker] ?? 0}`);
  expect(wrong).toEqual([]);
}

function expectPeakConcurrencyAtMost4(emails: string[]): void {
  const mailbox = h.emu.control.counters().mailbox;
  const peaks = emails.map((e) => mailbox[e.toLowerCase()]?.peakConcurrency ?? mailbox[e]?.peakConcurrency ?? 0);
  expect(Math.max(...peaks)).toBeLessThanOrEqual(4);
  expect(Math.max(...peaks)).toBeGreaterThan(0);
}

describe('sending at load', () => {
  it('1,000 sends over 50 mailboxes with two worker processes, one SIGKILLed mid-run: each sent exactly once, never over 4 requests per mailbox', async () => {
    const mailboxes = await connectMany(50, 'load');
    h.emu.control.resetCounters();
    const sends = await enqueueAll(mailboxes, 20, 'load');
    const ids = sends.map((s) => s._id);
    expect(new Set(ids).size).toBe(1_000);

    const doomed = h.spawnWorker();
    h.spawnWorker();
    try {
      await waitFor(async () => (await countSent(ids)) >= 150, 600_000, '150 sends before the kill');
      doomed.kill('SIGKILL');
      h.spawnWorker();
      await waitFor(async () => (await countSent(ids)) === 1_000, 1_500_000, 'all 1,000 sends');
    } finally {
      h.killWorkers();
    }

    expectEachMarkerOnce(sends);
    expectPeakConcurrencyAtMost4(mailboxes.map((m) => m.email));
    await waitFor(async () => h.emu.control.inTransit() === 0, 60_000, 'transport'); // Exchange sends after the 202
    const sentItems = mailboxes.reduce((n, m) => n + h.emu.control.sentItems(m.email).length, 0);
    expect(sentItems).toBe(1_000);
  });

  it('20% of Graph calls throttled (429/503 + Retry-After): each sent exactly once, no request to a mailbox before its Retry-After', async () => {
    const mailboxes = await connectMany(10, 'throttled');
    h.emu.control.resetCounters();
    const f429 = h.emu.control.injectFault({ path: '^/v1\\.0/', status: 429, retryAfterSec: 3, rate: 0.1 });
    const f503 = h.emu.control.injectFault({ path: '^/v1\\.0/', status: 503, retryAfterSec: 3, rate: 0.11 });
    const sends = await enqueueAll(mailboxes, 10, 'throttled');
    h.startWorker();
    try {
      await waitFor(
        async () => (await countSent(sends.map((s) => s._id))) === sends.length,
        900_000,
        'all throttled sends',
      );
    } finally {
      h.emu.control.removeFault(f429);
      h.emu.control.removeFault(f503);
      await h.stopWorker();
    }
    expectEachMarkerOnce(sends);

    // Requests already on the wire when a throttling answer came back cannot be recalled: allow them a grace. The
    // emulator logs a request when it arrives, so one that left the gate just before the pause was written can arrive
    // later than that on a loaded 2-core machine (seen: 265-668 ms at load 7-18). Retry-After is 3 s so that the
    // checked window (grace to 3 s after each throttling answer) still catches a mailbox that ignores it.
    const inFlightGraceMs = 1_000;
    const violations: string[] = [];
    let throttled = 0;
    for (const { email } of mailboxes) {
      const log = h.emu.control.requestLog(email).sort((a, b) => a.at - b.at);
      for (const hit of log.filter((e) => (e.status === 429 || e.status === 503) && e.retryAfterSec)) {
        throttled += 1;
        const until = hit.at + (hit.retryAfterSec ?? 0) * 1000;
        const early = log.filter((e) => e.at > hit.at + inFlightGraceMs && e.at < until);
        violations.push(...early.map((e) => `${email} ${e.method} ${e.path} at +${e.at - hit.at}ms`));
      }
    }
    expect(throttled).toBeGreaterThan(10);
    expect(violations).toEqual([]);
  });

  it('a mailbox paused by a long Retry-After does not hold up the others', async () => {
    const [paused, ...others] = await connectMany(4, 'pause');
    await h.clients.deps.gate.pause(paused!.connection._id, Date.now() + 900_000, 'http_429');
    const waiting = await enqueueAll([paused!], 3, 'paused');
    const flowing = await enqueueAll(others, 5, 'flowing');
    h.startWorker();
    await waitFor(
      async () => (await countSent(flowing.map((s) => s._id))) === flowing.length,
      600_000,
      'the other mailboxes',
    );
    await h.stopWorker();
    expect(await countSent(waiting.map((s) => s._id))).toBe(0);
    expect(h.emu.control.requestLog(paused!.email).filter((e) => e.path.startsWith('/v1.0/'))).toEqual([]);
    const states = await Promise.all(waiting.map((s) => h.clients.deps.queues.queue('send').getJobState(s._id)));
    expect(states).toEqual(['delayed', 'delayed', 'delayed']);
  });

  it('two worker processes share one per-minute cap per mailbox (global, not per process)', async () => {
    const [capped] = await connectMany(1, 'cap');
    await h.clients.deps.models.Connection.updateOne(
      { _id: capped!.connection._id },
      { $set: { limits: { sendsPerMinute: 4 } } },
    );
    const queuedAt = Date.now();
    const sends = await enqueueAll([capped!], 10, 'cap');
    const ids = sends.map((s) => s._id);
    h.spawnWorker();
    h.spawnWorker();
    await waitFor(async () => (await countSent(ids)) === 4, 120_000, "the first minute's four sends");
    // Every other send is parked until the window reopens, a minute after the first send.
    await waitFor(
      async () => {
        const states = await Promise.all(ids.map((id) => h.clients.deps.queues.queue('send').getJobState(id)));
        return states.filter((s) => s === 'delayed').length === 6;
      },
      30_000,
      'six delayed sends',
    );
    h.killWorkers();
    const parked = (await Promise.all(ids.map((id) => h.retryAtOf(id)))).filter((at): at is number => at !== null);
    expect(parked).toHaveLength(6);
    const earliestRetry = Math.min(...parked);
    // The window opens a minute after the first reservation, which came after the sends were queued.
    expect(earliestRetry).toBeGreaterThanOrEqual(queuedAt + 60_000);
    await waitFor(async () => h.emu.control.inTransit() === 0, 60_000, 'transport');
    expect(h.emu.control.sentItems(capped!.email)).toHaveLength(4);
  });
});
