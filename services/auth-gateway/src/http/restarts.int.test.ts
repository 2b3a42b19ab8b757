import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFerretDbBinary, freePort, pingMongo, pingRedis, waitFor } from '@outlook-connect/stack';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';

// The real gateway under light load while its own private store and Redis are killed (SIGKILL) and restarted several
// times: no request hangs, answers during an outage are 503 with Retry-After (never another 5xx), everything works
// again after each restart, and /healthz fails once the store has been away longer than its bound.

jest.setTimeout(240_000);

const REQUEST_TIMEOUT_MS = 5000;
const DEPENDENCY_TIMEOUT_MS = 1500;
const LIVENESS_SEC = 10;

interface Server {
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

function processServer(name: string, url: string, cmd: string, args: string[], ready: () => Promise<boolean>): Server {
  let child: ChildProcess | undefined;
  return {
    url,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawn(cmd, args, { stdio: 'ignore' });
      await waitFor(ready, 30_000, `${name} at ${url}`);
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
}

let h: GatewayHarness;
let redis: Server;
let store: Server;
const dirs: string[] = [];

beforeAll(async () => {
  const redisPort = await freePort();
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  redis = processServer(
    'redis-server',
    redisUrl,
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    () => pingRedis(redisUrl, 300),
  );
  const storePort = await freePort();
  const storeUrl = `mongodb://127.0.0.1:${storePort}`;
  const dir = mkdtempSync(join(tmpdir(), 'oc-restarts-'));
  dirs.push(dir);
  store = processServer(
    'ferretdb',
    storeUrl,
    await ensureFerretDbBinary(),
    ['-listen', `127.0.0.1:${storePort}`, '-handler', 'sqlite', '-sqlite-url', `file:${dir}/`],
    () => pingMongo(storeUrl, 300),
  );
  await Promise.all([redis.start(), store.start()]);
  h = await startGatewayHarness('restarts', {
    redisUrl,
    mongoUrl: storeUrl,
    env: {
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      DEPENDENCY_TIMEOUT_MS: String(DEPENDENCY_TIMEOUT_MS),
      STORE_DOWN_LIVENESS_SEC: String(LIVENESS_SEC),
    },
  });
});

afterAll(async () => {
  // Cleanup needs both (queues obliterated, database dropped), also after a failure mid-outage.
  await Promise.all([redis?.start(), store?.start()]);
  await h?.close().catch(() => undefined);
  await redis?.kill();
  await store?.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Tally {
  requests: number;
  ok: number;
  unavailable: number;
  other5xx: string[];
  without503RetryAfter: number;
  maxMs: number;
}

describe('the gateway while its store and Redis restart', () => {
  it('answers every request in time, 503 + Retry-After during outages, and recovers after each restart', async () => {
    const created = await call<{ id: string }>(h, 'POST', '/v1/oauth-apps', {
      headers: h.auth,
      body: { name: 'Restarts', clientId: 'client-restarts', clientSecret: 'secret-0' },
    });
    expect(created.status).toBe(201);
    const appId = created.body.id;
    const tally: Tally = { requests: 0, ok: 0, unavailable: 0, other5xx: [], without503RetryAfter: 0, maxMs: 0 };
    // What the CRM does: reads (store), a new secret (store, then a recovery job in Redis), readiness.
    let n = 0;
    const requests = [
      () => call(h, 'GET', '/v1/oauth-apps', { headers: h.auth }),
      () => call(h, 'PATCH', `/v1/oauth-apps/${appId}`, { headers: h.auth, body: { clientSecret: `secret-${++n}` } }),
      () => call(h, 'GET', '/v1/connections', { headers: h.auth }),
      () => call(h, 'GET', '/readyz'),
    ];
    const one = async (i: number) => {
      const started = Date.now();
      let hung: NodeJS.Timeout | undefined;
      const res = await Promise.race([
        requests[i % requests.length]!(),
        new Promise<never>((_r, reject) => {
          hung = setTimeout(() => reject(new Error('request hung')), REQUEST_TIMEOUT_MS * 3);
        }),
      ]).finally(() => clearTimeout(hung));
      const ms = Date.now() - started;
      tally.requests++;
      tally.maxMs = Math.max(tally.maxMs, ms);
      if (res.status < 400) tally.ok++;
      if (res.status === 503) {
        tally.unavailable++;
        if (!res.headers.get('retry-after') && i % requests.length !== 3) tally.without503RetryAfter++;
      } else if (res.status >= 500) tally.other5xx.push(`${res.status} ${res.text.slice(0, 200)}`);
      return res.status;
    };
    let loading = true;
    const load = Promise.all(
      [0, 1, 2].map(async (worker) => {
        for (let i = worker; loading; i += 3) {
          await one(i);
          await new Promise((r) => setTimeout(r, 50));
        }
      }),
    );
    /** Every kind of request succeeds again; returns how long that took after the restart. */
    const recovered = async (since: number): Promise<number> => {
      await waitFor(
        async () => {
          const statuses = await Promise.all([0, 1, 2].map((i) => one(i)));
          return statuses.every((s) => s < 400);
        },
        30_000,
        'the gateway to work again',
      );
      return Date.now() - since;
    };
    const recoveries: number[] = [];
    let restarts = 0;
    const outage = async (server: Server, downMs: number) => {
      await server.kill();
      await new Promise((r) => setTimeout(r, downMs));
      await server.start();
      restarts++;
      recoveries.push(await recovered(Date.now()));
    };
    // The store twice within 20 s (the case that once left the gateway broken), then Redis, then both.
    await outage(store, 2500);
    await outage(store, 1500);
    await outage(redis, 2500);
    await outage(redis, 1000);
    await store.kill();
    await redis.kill();
    await new Promise((r) => setTimeout(r, 2000));
    await Promise.all([store.start(), redis.start()]);
    restarts += 2;
    recoveries.push(await recovered(Date.now()));
    // Past the liveness bound, /healthz asks the orchestrator for a restart; it is 200 again once the store is back.
    expect((await call(h, 'GET', '/healthz')).status).toBe(200);
    await store.kill();
    await waitFor(
      async () => (await call(h, 'GET', '/healthz')).status === 503,
      (LIVENESS_SEC + 15) * 1000,
      '/healthz to fail past the bound',
    );
    await store.start();
    restarts++;
    recoveries.push(await recovered(Date.now()));
    await waitFor(async () => (await call(h, 'GET', '/healthz')).status === 200, 15_000, '/healthz to pass again');
    loading = false;
    await load;
    const figures = { restarts, ...tally, other5xx: tally.other5xx.length, maxRecoveryMs: Math.max(...recoveries) };
    process.stdout.write(`restarts: ${JSON.stringify(figures)}\n`);
    const unhandled = h.logs
      .filter((l) => l.includes('unhandled error'))
      .map(
        (l) =>
          JSON.parse(l) as {
            err?: { type?: string; message?: string; code?: unknown; codeName?: unknown };
            route?: string;
          },
      );
    expect({
      other5xx: tally.other5xx,
      unhandled: unhandled.map((l) => ({
        route: l.route,
        type: l.err?.type,
        code: l.err?.code,
        codeName: l.err?.codeName,
        message: l.err?.message?.slice(0, 300),
      })),
    }).toEqual({ other5xx: [], unhandled: [] });
    expect(tally.without503RetryAfter).toBe(0);
    expect(tally.unavailable).toBeGreaterThan(0);
    expect(tally.maxMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1000);
    expect((await call(h, 'GET', '/readyz')).status).toBe(200);
    // Each outage is logged once when it starts (3 of Redis, 4 of the store), not once per retry or request.
    const outages = h.logs
      .map((l) => JSON.parse(l) as { msg: string; dependency?: string })
      .filter((l) => l.msg === 'dependency: unavailable');
    expect(outages.filter((l) => l.dependency === 'redis').length).toBe(3);
    // The store's outages are seen by a probe every 2 s or a /readyz: a short one may pass between them, never counted twice.
    const storeOutages = outages.filter((l) => l.dependency === 'store').length;
    expect(storeOutages).toBeGreaterThanOrEqual(1);
    expect(storeOutages).toBeLessThanOrEqual(4);
  });

  it('with Redis unreachable at start, a new secret answers 503 dependency_unavailable at once instead of hanging', async () => {
    await redis.kill();
    const late = await startGatewayHarness('restarts-late', {
      redisUrl: redis.url,
      mongoUrl: store.url,
      env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), DEPENDENCY_TIMEOUT_MS: String(DEPENDENCY_TIMEOUT_MS) },
    });
    try {
      const app = await call<{ id: string }>(late, 'POST', '/v1/oauth-apps', {
        headers: late.auth,
        body: { name: 'Late', clientId: 'client-late', clientSecret: 'secret-0' },
      });
      expect(app.status).toBe(201);
      const started = Date.now();
      const res = await call(late, 'PATCH', `/v1/oauth-apps/${app.body.id}`, {
        headers: late.auth,
        body: { clientSecret: 'secret-1' },
      });
      expect({ status: res.status, body: res.body, retryAfter: res.headers.get('retry-after') }).toEqual({
        status: 503,
        body: expect.objectContaining({ error: 'dependency_unavailable', dependency: 'redis' }),
        retryAfter: '5',
      });
      expect(Date.now() - started).toBeLessThan(DEPENDENCY_TIMEOUT_MS + 500);
      expect((await call(late, 'GET', '/readyz')).body).toMatchObject({ ok: false, store: true, redis: false });
      await redis.start();
      await waitFor(
        async () =>
          (
            await call(late, 'PATCH', `/v1/oauth-apps/${app.body.id}`, {
              headers: late.auth,
              body: { clientSecret: 'secret-2' },
            })
          ).status === 200,
        15_000,
        'the late gateway to work',
      );
    } finally {
      await late.close().catch(() => undefined);
    }
  });
});
