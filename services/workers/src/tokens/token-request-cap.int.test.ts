import { createTokenRequestSlots, refreshConnection } from '@outlook-connect/mailbox-runtime';
import type { Lane } from '@outlook-connect/shared';
import { scaledPolicy, startHarness, type LifecycleHarness } from '../testing/lifecycle-harness';
import { tokenRefreshRegistration } from './token-refresh.handler';

// A worker process caps its token requests to Microsoft in flight, not its refresh jobs
// (mailbox-runtime/src/tokens/token-request-slots.ts): real refreshes against the emulator, many at once, through a
// cap of 2.

let h: LifecycleHarness;
jest.setTimeout(30_000);

beforeAll(async () => {
  h = await startHarness('tokencap', { accessTokenLifetimeSec: 3600, policy: scaledPolicy({ lockTtlMs: 5_000 }) });
});
afterAll(() => h?.close());

/** The cap, watched: how many grants were inside it at once at the most. */
function watched(cap: Lane) {
  let inside = 0;
  const seen = { most: 0 };
  const lane: Lane = {
    maxInFlight: cap.maxInFlight,
    get inFlight() {
      return cap.inFlight;
    },
    get waiting() {
      return cap.waiting;
    },
    run: (work) =>
      cap.run(async () => {
        seen.most = Math.max(seen.most, ++inside);
        try {
          return await work();
        } finally {
          inside--;
        }
      }),
  };
  return { lane, seen };
}

it('sends at most its cap of refresh grants at once, and every refresh still lands once', async () => {
  const app = await h.seedApp();
  const conns = await h.connect(app, 12);
  const before = h.emulator.control.counters().tokenGrants;
  const grantsOf = (mailbox: string, counters: typeof before) => counters[mailbox]?.refresh_token ?? 0;
  const { lane, seen } = watched(createTokenRequestSlots(2));

  const outcomes = await Promise.all(
    conns.map((c) => refreshConnection({ ...h.clients.deps, tokenRequests: lane }, c._id, { reason: 'on_demand' })),
  );

  expect(outcomes.map((o) => o.kind)).toEqual(conns.map(() => 'refreshed'));
  expect(seen.most).toBe(2);
  expect([lane.inFlight, lane.waiting]).toEqual([0, 0]);
  const after = h.emulator.control.counters().tokenGrants;
  for (const c of conns) {
    expect(grantsOf(c.mailbox, after) - grantsOf(c.mailbox, before)).toBe(1);
    expect((await h.clients.deps.models.Connection.findById(c._id).lean())?.tokenVersion).toBe(c.tokenVersion + 1);
  }
});

it("runs the worker's token-refresh jobs at twice its cap of grants (WORKER_CONCURRENCY)", () => {
  const cap = h.clients.deps.tokenRequests;
  expect(cap?.maxInFlight).toBe(10); // the default WORKER_CONCURRENCY
  expect(tokenRefreshRegistration(h.clients.deps).concurrency).toBe(20);
});
