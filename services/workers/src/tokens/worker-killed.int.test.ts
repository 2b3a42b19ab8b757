import { redisKeys } from '@outlook-connect/queues';
import { scaledPolicy, startHarness, type LifecycleHarness } from '../testing/lifecycle-harness';

// A worker is SIGKILLed while Microsoft is slow to answer its refresh: its locks lapse, another worker takes the job
// over, and the connection is refreshed and stays active.

let h: LifecycleHarness;
jest.setTimeout(58_000);

beforeAll(async () => {
  h = await startHarness('workerkilled', { accessTokenLifetimeSec: 20, policy: scaledPolicy({}) });
});
afterAll(() => h?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('refreshes the connection in another worker after the first is killed mid-refresh', async () => {
  const app = await h.seedApp();
  const [conn] = await h.connect(app, 1);
  const env = {
    REFRESH_AHEAD_SEC: '10',
    REFRESH_JITTER_SEC: '0',
    REFRESH_SWEEP_EVERY_SEC: '1',
    REFRESH_LOCK_TTL_SEC: '2',
    WORKER_LOCK_SEC: '2',
  };
  h.emulator.control.injectFault({ method: 'POST', path: '/oauth2/v2\\.0/token$', latencyMs: 15_000, times: 1 });
  const first = h.spawnWorker(env);
  const lockKey = redisKeys.refreshLock(`{${h.queuePrefix}}`, conn!._id);
  for (let i = 0; i < 200 && !(await h.clients.deps.redis.exists(lockKey)); i++) await sleep(100);
  expect(await h.clients.deps.redis.exists(lockKey)).toBe(1); // the first worker is inside its refresh
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));

  const second = h.spawnWorker(env);
  const { models } = h.clients.deps;
  // Wait for the refresh to be stored and written to the timeline.
  for (
    let i = 0;
    i < 300 && !(await models.ConnectionActivity.exists({ connectionId: conn!._id, type: 'refreshed' }));
    i++
  )
    await sleep(100);
  const after = (await models.Connection.findById(conn!._id).lean())!;
  expect(after.status).toBe('active');
  expect(after.tokenVersion).toBeGreaterThan(conn!.tokenVersion);
  expect(after.accessTokenExpiresAt!.getTime()).toBeGreaterThan(conn!.accessTokenExpiresAt!.getTime());
  const [line] = await models.ConnectionActivity.find({ connectionId: conn!._id, type: 'refreshed' })
    .sort({ at: 1 })
    .lean();
  expect(line!.detail.by).toMatch(new RegExp(`:${second.pid}$`));
});
