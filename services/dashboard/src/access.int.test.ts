import { AUTH, basic, failOneJob, OPERATOR, startTestDashboard, type TestDashboard } from './testing/dashboard-harness';

// Every route answers 401 without the operators' credentials, including bull-board's pages, assets and API;
// in read-only mode the API refuses changes even when called directly.

const CONN = 'conn_0123456789abcdef01234567';

const ROUTES: Array<[string, string]> = [
  ['GET', '/'],
  ['GET', '/health'],
  ['GET', `/health/connections/${CONN}`],
  ['GET', '/api/health/summary'],
  ['GET', '/api/health/needs-reconnect'],
  ['GET', '/api/health/apps'],
  ['GET', `/api/health/connections/${CONN}`],
  ['GET', '/metrics'],
  ['GET', '/queues'],
  ['GET', '/queues/queue/send'],
  ['GET', '/queues/api/queues'],
  ['GET', '/queues/api/redis/stats'],
  ['PUT', '/queues/api/queues/inbox-sync/1/retry'],
  ['PUT', '/queues/api/queues/inbox-sync/retry/failed'],
  ['PUT', '/queues/api/queues/inbox-sync/1/clean'],
  ['PUT', '/queues/api/queues/inbox-sync/clean/failed'],
  ['PUT', '/queues/api/queues/inbox-sync/1/promote'],
  ['PUT', '/queues/api/queues/inbox-sync/obliterate'],
  ['POST', '/queues/api/queues/inbox-sync/add'],
  ['GET', '/queues/static/favicon-32x32.png'],
  ['GET', '/no-such-page'],
];

describe('dashboard access', () => {
  let t: TestDashboard;
  let failedJobId: string;

  beforeAll(async () => {
    t = await startTestDashboard('dashaccess');
    const job = await failOneJob(t, 'inbox-sync', { connectionId: CONN }, 'graph unavailable');
    failedJobId = job.id!;
  });
  afterAll(async () => t.close());

  it.each(ROUTES)('%s %s answers 401 with a Basic challenge without credentials', async (method, url) => {
    const res = await t.app.inject({ method: method as 'GET', url, payload: method === 'GET' ? undefined : {} });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="outlook-connect operators"/);
  });

  it('refuses a wrong password, a wrong user and a malformed header', async () => {
    for (const authorization of [
      basic(OPERATOR.user, 'wrong-password-123'),
      basic('root', OPERATOR.password),
      'Bearer abc',
      'Basic !!!',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: '/queues/api/queues', headers: { authorization } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('leaves the failed job failed when the retry action is called without credentials', async () => {
    const res = await t.app.inject({ method: 'PUT', url: `/queues/api/queues/inbox-sync/${failedJobId}/retry` });
    expect(res.statusCode).toBe(401);
    expect(await t.client.queue('inbox-sync').getJobState(failedJobId)).toBe('failed');
  });

  it('serves the board and its API with credentials, listing every queue of the catalog', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/queues', headers: AUTH });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<div id="root">');
    const api = await t.app.inject({ method: 'GET', url: '/queues/api/queues', headers: AUTH });
    expect(api.statusCode).toBe(200);
    const names = (api.json() as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
    expect(names).toEqual([
      'app-recovery',
      'calendar',
      'events',
      'inbox-subscription',
      'inbox-sync',
      'maintenance',
      'send',
      'send-confirm',
      'token-refresh',
      'webhook-delivery',
    ]);
  });

  it('retries a failed job through the API with credentials', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/queues/api/queues/inbox-sync/${failedJobId}/retry`,
      headers: AUTH,
    });
    expect(res.statusCode).toBe(204);
    expect(await t.client.queue('inbox-sync').getJobState(failedJobId)).toBe('waiting');
  });
});

describe('read-only dashboard', () => {
  let t: TestDashboard;
  let failedJobId: string;

  beforeAll(async () => {
    t = await startTestDashboard('dashreadonly', { readOnly: true });
    failedJobId = (await failOneJob(t, 'inbox-sync', { connectionId: CONN }, 'graph unavailable')).id!;
    await t.client.enqueue('send', { sendId: 'send_0123456789abcdef01234567' }, { delay: 3_600_000 });
  });
  afterAll(async () => t.close());

  it('still reads: the board, its API and the health view', async () => {
    for (const url of ['/queues', '/queues/api/queues', '/health', '/metrics']) {
      expect((await t.app.inject({ method: 'GET', url, headers: AUTH })).statusCode).toBe(200);
    }
    const api = (await t.app.inject({ method: 'GET', url: '/queues/api/queues', headers: AUTH })).json() as {
      queues: Array<{ readOnlyMode: boolean }>;
    };
    expect(api.queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it.each([
    ['PUT', 'retry one', (id: string) => `/queues/api/queues/inbox-sync/${id}/retry`],
    ['PUT', 'retry all', () => '/queues/api/queues/inbox-sync/retry/failed'],
    ['PUT', 'remove one', (id: string) => `/queues/api/queues/inbox-sync/${id}/clean`],
    ['PUT', 'clean all', () => '/queues/api/queues/inbox-sync/clean/failed'],
    ['PUT', 'promote all', () => '/queues/api/queues/send/promote'],
    ['PUT', 'pause', () => '/queues/api/queues/send/pause'],
    ['POST', 'add', () => '/queues/api/queues/send/add'],
  ])('refuses %s (%s) with 403 even when called directly', async (method, _what, url) => {
    const res = await t.app.inject({ method: method as 'PUT', url: url(failedJobId), headers: AUTH, payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'read_only' });
  });

  it('left every job where it was', async () => {
    expect(await t.client.queue('inbox-sync').getJobState(failedJobId)).toBe('failed');
    expect(await t.client.queue('send').getJobCounts('delayed', 'waiting')).toEqual({ delayed: 1, waiting: 0 });
    expect(await t.client.queue('send').isPaused()).toBe(false);
  });
});
