import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@outlook-connect/shared';
import { ensureFerretDbBinary, freePort, pingMongo, pingRedis, testIsolation, waitFor } from '@outlook-connect/stack';
import pino from 'pino';
import { dashboardEnv } from './env';
import { startDashboard, type RunningDashboard } from './start';
import { AUTH } from './testing/dashboard-harness';

// The dashboard as it runs in production (startDashboard) against its own private store and Redis, each killed and
// restarted twice: pages answer 503 with Retry-After in bounded time while one is away, and work again after.

jest.setTimeout(120_000);

function server(name: string, url: string, cmd: string, args: string[], ready: () => Promise<boolean>) {
  let child: ChildProcess | undefined;
  return {
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawn(cmd, args, { stdio: 'ignore' });
      await waitFor(ready, 30_000, `${name} at ${url}`);
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
}

let redis: ReturnType<typeof server>;
let store: ReturnType<typeof server>;
let dashboard: RunningDashboard;
let dir: string;

beforeAll(async () => {
  const [redisPort, storePort] = [await freePort(), await freePort()];
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const storeUrl = `mongodb://127.0.0.1:${storePort}`;
  dir = mkdtempSync(join(tmpdir(), 'oc-dash-restarts-'));
  redis = server(
    'redis-server',
    redisUrl,
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    () => pingRedis(redisUrl, 300),
  );
  store = server(
    'ferretdb',
    storeUrl,
    await ensureFerretDbBinary(),
    ['-listen', `127.0.0.1:${storePort}`, '-handler', 'sqlite', '-sqlite-url', `file:${dir}/`],
    () => pingMongo(storeUrl, 300),
  );
  await Promise.all([redis.start(), store.start()]);
  const iso = testIsolation('dashrestarts');
  const env = parseEnv('dashboard', dashboardEnv, {
    REDIS_URL: redisUrl,
    MONGO_URL: `${storeUrl}/${iso.dbName}`,
    QUEUE_PREFIX: iso.queuePrefix,
    DASHBOARD_USER: 'operator',
    DASHBOARD_PASSWORD: 'correct-horse-battery-staple',
    DASHBOARD_HOST: '127.0.0.1',
    DASHBOARD_PORT: '0',
    DASHBOARD_REQUEST_TIMEOUT_MS: '5000',
  });
  dashboard = await startDashboard(env, pino({ level: 'silent' }));
});

afterAll(async () => {
  await Promise.all([redis?.start(), store?.start()]);
  await dashboard?.close().catch(() => undefined);
  await redis?.kill();
  await store?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const PAGES = ['/api/health/summary', '/queues/api/queues', '/metrics'];

async function get(path: string): Promise<{ status: number; retryAfter: string | null; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${dashboard.url}${path}`, { headers: AUTH, signal: AbortSignal.timeout(20_000) });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - started };
}

describe('the dashboard while its store and Redis restart', () => {
  it('answers 503 with Retry-After in bounded time during each outage and works again after each restart', async () => {
    for (const path of PAGES) expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    const seen: Array<{ path: string; status: number; retryAfter: string | null; ms: number }> = [];
    for (const target of [store, redis, store, redis]) {
      await target.kill();
      for (const path of PAGES) seen.push({ path, ...(await get(path)) });
      await target.start();
      await waitFor(
        async () => (await Promise.all(PAGES.map(get))).every((r) => r.status === 200),
        30_000,
        'the dashboard to work again',
      );
    }
    process.stdout.write(
      `dashboard restarts: 4, requests during outages ${seen.length}, 503s ${seen.filter((s) => s.status === 503).length}, max ${Math.max(...seen.map((s) => s.ms))} ms\n`,
    );
    // Each page answers (no hang) and either still works from what it can reach or says 503 with Retry-After.
    expect(
      seen.filter((s) => !(s.status === 200 || (s.status === 503 && s.retryAfter !== null)) || s.ms >= 6000),
    ).toEqual([]);
    expect(seen.filter((s) => s.status === 503).length).toBeGreaterThan(0);
  });
});
