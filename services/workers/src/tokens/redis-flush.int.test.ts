import {
  scaledPolicy,
  startHarness,
  stopWorker,
  useMailboxesUntil,
  type LifecycleHarness,
} from '../testing/lifecycle-harness';

// Redis loses every key of ours mid-run (jobs, schedulers, locks): the worker process recreates the sweeper's
// schedule, the sweeper re-enqueues every connection from the store, and each is refreshed in time by its schedule.

const LIFETIME_SEC = 10;
const COUNT = 40;
let h: LifecycleHarness;
jest.setTimeout(58_000);

beforeAll(async () => {
  h = await startHarness('redisflush', {
    accessTokenLifetimeSec: LIFETIME_SEC,
    policy: scaledPolicy({
      aheadMs: 5_000,
      jitterMs: 1_000,
      sweepEveryMs: 1_000,
      sweepHorizonMs: 3_000,
      lockTtlMs: 5_000,
      minValidityMs: 2_000,
    }),
  });
});
afterAll(() => h?.close());

it('refreshes every connection in time after all its Redis keys are deleted', async () => {
  const worker = h.spawnWorker({
    REFRESH_AHEAD_SEC: '5',
    REFRESH_JITTER_SEC: '1',
    REFRESH_SWEEP_EVERY_SEC: '1',
    REFRESH_LOCK_TTL_SEC: '5',
  });
  const app = await h.seedApp();
  const conns = await h.connect(app, COUNT);
  const ids = conns.map((c) => c._id);
  await useMailboxesUntil(h, ids, Date.now() + LIFETIME_SEC * 1000);

  const flushedAt = Date.now();
  expect(await h.flushRedis()).toBeGreaterThan(0);
  await useMailboxesUntil(h, ids, flushedAt + 2 * LIFETIME_SEC * 1000);
  await stopWorker(worker);

  expect(h.emulator.control.counters().requestsWithExpiredToken).toBe(0);
  const { models } = h.clients.deps;
  const after = await models.Connection.find({ _id: { $in: ids } }).lean();
  expect(after.every((c) => c.status === 'active')).toBe(true);
  const lines = await models.ConnectionActivity.find({ type: 'refreshed', at: { $gte: new Date(flushedAt) } }).lean();
  // Every connection was refreshed by its (healed) schedule after the flush, not only by callers on demand.
  expect(new Set(lines.filter((l) => l.detail.reason === 'scheduled').map((l) => l.connectionId)).size).toBe(COUNT);
  expect(await h.clients.deps.queues.queue('maintenance').getJobScheduler('refresh-sweep')).toBeTruthy();
});
