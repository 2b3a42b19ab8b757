import { scaledPolicy, startHarness, type LifecycleHarness } from '../testing/lifecycle-harness';

// Microsoft's token endpoint can answer 429 (or 503) with Retry-After: the refresh is transient, waits at least that
// long before the next try, and never marks the connection needs_reconnect.

const FORCE = { minValidityMs: 24 * 3600_000 }; // any stored token is "too old": get() must refresh
const RETRY_AFTER_SEC = 3;
let h: LifecycleHarness;

beforeAll(async () => {
  h = await startHarness('tokenthrottled', {
    accessTokenLifetimeSec: 3600,
    policy: scaledPolicy({ retryBaseMs: 200, retryMaxMs: 500, sweepEveryMs: 1000 }),
  });
  h.startWorkers();
});
afterAll(() => h?.close());

const load = async (id: string) => (await h.clients.deps.models.Connection.findById(id).lean())!;

it.each([429, 503])(
  'a token endpoint %i with Retry-After is retried after it, and the connection stays active',
  async (status) => {
    const app = await h.seedApp();
    const [conn] = await h.connect(app, 1, `throttled${status}`);
    h.emulator.control.injectFault({
      method: 'POST',
      path: '/oauth2/v2\\.0/token$',
      status,
      retryAfterSec: RETRY_AFTER_SEC,
      times: 1,
    });
    const failedAt = Date.now();
    // The still-valid access token is handed out meanwhile.
    await expect(h.clients.deps.tokens.get(conn!._id, FORCE)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
    const failed = await load(conn!._id);
    expect(failed).toMatchObject({
      status: 'active',
      refreshFailures: 1,
      lastRefreshError: { kind: 'transient', code: status === 429 ? 'throttled' : 'server_error' },
    });
    // Backoff alone would retry after 200-500 ms; Retry-After wins.
    expect(failed.nextRefreshAt!.getTime() - failedAt).toBeGreaterThanOrEqual(RETRY_AFTER_SEC * 1000 - 200);
    for (let i = 0; i < 100 && (await load(conn!._id)).tokenVersion === failed.tokenVersion; i++)
      await new Promise((r) => setTimeout(r, 100));
    const healed = await load(conn!._id);
    expect(healed).toMatchObject({ status: 'active', refreshFailures: 0, lastRefreshError: null, statusReason: null });
    expect(healed.lastRefreshAt!.getTime() - failedAt).toBeGreaterThanOrEqual(RETRY_AFTER_SEC * 1000 - 200);
    expect((await h.events('connection.needs_reconnect')).filter((e) => e.connectionId === conn!._id)).toHaveLength(0);
  },
);
