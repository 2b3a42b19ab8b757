import { AUTH, basic, OPERATOR, startTestDashboard, type TestDashboard } from './testing/dashboard-harness';

// bull-board's buttons cannot be clickjacked (no page may be framed), and password guessing is slowed per client IP:
// after 10 failures in a minute every attempt from that address answers 429, the right password too.

describe('dashboard hardening', () => {
  let t: TestDashboard;
  beforeAll(async () => {
    t = await startTestDashboard('dashhard', { authFailureLimit: { max: 10, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends X-Frame-Options: DENY and frame-ancestors none on every page, asset and answer', async () => {
    for (const url of ['/', '/queues', '/queues/static/favicon-32x32.png', '/health', '/metrics', '/no-such-page']) {
      for (const headers of [AUTH, {}]) {
        const res = await t.app.inject({ method: 'GET', url, headers });
        expect({ url, xfo: res.headers['x-frame-options'], csp: res.headers['content-security-policy'] }).toEqual({
          url,
          xfo: 'DENY',
          csp: expect.stringContaining("frame-ancestors 'none'"),
        });
      }
    }
  });

  it('answers 429 with Retry-After after 10 wrong passwords from one address; others and earlier successes are unaffected', async () => {
    const get = (remoteAddress: string, authorization: string) =>
      t.app.inject({ method: 'GET', url: '/api/health/summary', remoteAddress, headers: { authorization } });
    for (let i = 0; i < 25; i++) expect((await get('198.51.100.2', AUTH.authorization)).statusCode).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await get('198.51.100.1', basic(OPERATOR.user, `guess-${i}`))).statusCode);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const locked = await get('198.51.100.1', AUTH.authorization);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get('198.51.100.2', AUTH.authorization)).statusCode).toBe(200);
  });
});
