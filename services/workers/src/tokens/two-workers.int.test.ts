import { scaledPolicy, startHarness, stopWorker, type LifecycleHarness } from '../testing/lifecycle-harness';

// Two worker processes serve the same queues: every refresh cycle of every connection costs exactly one refresh grant
// at Microsoft (lock + tokenVersion compare-and-set), whichever process runs it.

const LIFETIME_SEC = 8;
const COUNT = 30;
let h: LifecycleHarness;
jest.setTimeout(58_000);

beforeAll(async () => {
  h = await startHarness('twoworkers', {
    accessTokenLifetimeSec: LIFETIME_SEC,
    policy: scaledPolicy({ lockTtlMs: 5_000 }),
  });
});
afterAll(() => h?.close());

it('counts exactly one refresh grant per connection per cycle', async () => {
  const env = {
    REFRESH_AHEAD_SEC: '4',
    REFRESH_JITTER_SEC: '1',
    REFRESH_SWEEP_EVERY_SEC: '1',
    REFRESH_LOCK_TTL_SEC: '5',
  };
  const workers = [h.spawnWorker(env), h.spawnWorker(env)];
  const app = await h.seedApp();
  const conns = await h.connect(app, COUNT);
  await new Promise((r) => setTimeout(r, 3 * LIFETIME_SEC * 1000));
  await Promise.all(workers.map((w) => stopWorker(w)));

  const { models } = h.clients.deps;
  const counters = h.emulator.control.counters();
  const refreshed = await models.ConnectionActivity.find({ type: 'refreshed' }).lean();
  const superseded = await models.ConnectionActivity.find({
    type: 'refresh_failed',
    'detail.code': 'superseded',
  }).lean();
  expect(superseded).toEqual([]);
  for (const c of conns) {
    const mine = refreshed.filter((l) => l.connectionId === c._id);
    expect(mine.length).toBeGreaterThanOrEqual(3); // one per lifetime
    expect(counters.tokenGrants[c.mailbox]?.refresh_token).toBe(mine.length);
    const stored = (await models.Connection.findById(c._id).lean())!;
    expect(stored.tokenVersion).toBe(c.tokenVersion + mine.length);
  }
  // Both processes did refreshes.
  expect(new Set(refreshed.map((l) => l.detail.by)).size).toBe(2);
  expect(counters.requestsWithExpiredToken).toBe(0);
});
