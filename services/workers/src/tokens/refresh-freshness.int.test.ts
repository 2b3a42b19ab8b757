import {
  scaledPolicy,
  startHarness,
  stopWorker,
  useMailboxesUntil,
  type LifecycleHarness,
} from '../testing/lifecycle-harness';

// 200 connections with 60-second access tokens, kept fresh by the scheduled refresh for three lifetimes while every
// mailbox is used in a loop: Graph never sees an expired token, and no caller ever had to refresh on demand.
// One connect costs ~125 ms and one refresh ~44 ms of CPU here (real MSAL + the emulator signing tokens), so the
// lifetime is long enough that 200 refreshes per lifetime fit on 2 busy cores; the whole file takes a few minutes.

const LIFETIME_SEC = 60;
const COUNT = 200;
let h: LifecycleHarness;
jest.setTimeout(480_000);

beforeAll(async () => {
  h = await startHarness('freshness', {
    accessTokenLifetimeSec: LIFETIME_SEC,
    policy: scaledPolicy({
      aheadMs: 15_000,
      jitterMs: 3_000,
      sweepEveryMs: 2_000,
      // What the worker below derives from REFRESH_SWEEP_EVERY_SEC (max(2 min, 4 sweeps)): every process of a
      // deployment reads the same settings, so this process's on-demand refreshes queue the next one as the worker would.
      sweepHorizonMs: 120_000,
      lockTtlMs: 10_000,
      minValidityMs: 5_000,
      retryBaseMs: 300,
    }),
  });
});
afterAll(() => h?.close());

it('keeps every connection fresh over several token lifetimes with zero Graph calls made with an expired token', async () => {
  // The refresh runs in a worker process of its own, as in production; this process is the emulator and the callers.
  const worker = h.spawnWorker({
    REFRESH_AHEAD_SEC: '15',
    REFRESH_JITTER_SEC: '3',
    REFRESH_SWEEP_EVERY_SEC: '2',
    REFRESH_LOCK_TTL_SEC: '10',
  });
  const app = await h.seedApp();
  const conns = await h.connect(app, COUNT);
  const started = Date.now();
  const calls = await useMailboxesUntil(
    h,
    conns.map((c) => c._id),
    started + 3 * LIFETIME_SEC * 1000,
  );

  await stopWorker(worker); // lets the refreshes in flight finish, so grants and stored refreshes can be compared
  expect(calls).toBeGreaterThan(COUNT);
  const counters = h.emulator.control.counters();
  expect(counters.requestsWithExpiredToken).toBe(0);
  const { models } = h.clients.deps;
  const after = await models.Connection.find({ _id: { $in: conns.map((c) => c._id) } }).lean();
  expect(after.every((c) => c.status === 'active' && c.refreshFailures === 0)).toBe(true);
  const refreshed = await models.ConnectionActivity.find({ type: 'refreshed' }).lean();
  // Every connection was refreshed in each lifetime of the loop, and only ever by its schedule.
  const inLoop = new Map<string, number>();
  for (const line of refreshed.filter((l) => l.at.getTime() >= started))
    inLoop.set(line.connectionId, (inLoop.get(line.connectionId) ?? 0) + 1);
  expect(inLoop.size).toBe(COUNT);
  expect(Math.min(...inLoop.values())).toBeGreaterThanOrEqual(2);
  // Once the schedule has caught up with the connect phase (one lifetime in), callers never refresh on demand.
  const steady = refreshed.filter((l) => l.at.getTime() >= started + LIFETIME_SEC * 1000);
  expect(steady.length).toBeGreaterThanOrEqual(COUNT);
  expect(steady.filter((l) => l.detail.reason !== 'scheduled').map((l) => l.detail)).toEqual([]);
  // One refresh grant per stored refresh: none wasted, none doubled.
  const perConnection = new Map<string, number>();
  for (const line of refreshed) perConnection.set(line.connectionId, (perConnection.get(line.connectionId) ?? 0) + 1);
  for (const c of conns) expect(counters.tokenGrants[c.mailbox]?.refresh_token).toBe(perConnection.get(c._id));
});
