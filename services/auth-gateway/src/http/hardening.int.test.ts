import { request } from 'node:http';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';

// The gateway's pages cannot be framed, key guessing is slowed per client IP (successful clients are not), and the
// sandbox API answers only under our own Host names (a DNS-rebinding page arrives under its own).

jest.setTimeout(30_000);

let h: GatewayHarness;
beforeAll(async () => {
  // The test client stands in for a proxy on loopback, so its X-Forwarded-For names the client.
  h = await startGatewayHarness('hardening', { sandbox: true, env: { TRUST_PROXY: '127.0.0.1,::1' } });
  h.deps.sandboxApiKey = h.apiKey;
});
afterAll(async () => {
  await h?.close();
});

const from = (ip: string, authorization: string) => ({ authorization, 'x-forwarded-for': ip });

/** A raw HTTP request with our own Host header (fetch does not let a caller set it). */
function withHost(path: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  const url = new URL(h.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host, ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway hardening', () => {
  it('sends X-Frame-Options: DENY and frame-ancestors none on its pages and answers', async () => {
    for (const path of ['/', '/docs/', '/healthz', '/v1/connections', '/no-such-page']) {
      const res = await call(h, 'GET', path, { headers: h.auth });
      expect({
        path,
        xfo: res.headers.get('x-frame-options'),
        csp: res.headers.get('content-security-policy'),
      }).toEqual({ path, xfo: 'DENY', csp: expect.stringContaining("frame-ancestors 'none'") });
    }
  });

  it('answers 429 with Retry-After after 10 failed keys from one address, also for the right key, and leaves others alone', async () => {
    for (let i = 0; i < 30; i++)
      expect(
        (await call(h, 'GET', '/v1/connections', { headers: from('203.0.113.9', h.auth.authorization) })).status,
      ).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await call(h, 'GET', '/v1/connections', { headers: from('203.0.113.7', `Bearer ock_guess${i}`) })).status,
      );
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const locked = await call(h, 'GET', '/v1/connections', { headers: from('203.0.113.7', h.auth.authorization) });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body).toMatchObject({ error: 'too_many_failed_attempts' });
    expect(
      (await call(h, 'GET', '/v1/connections', { headers: from('203.0.113.9', h.auth.authorization) })).status,
    ).toBe(200);
    expect((await call(h, 'GET', '/healthz', { headers: from('203.0.113.7', 'Bearer x') })).status).toBe(200);
  });

  it('believes no X-Forwarded-For by default: a guesser cannot escape the limit by naming a new address each time', async () => {
    const direct = await startGatewayHarness('hardening-direct');
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push(
          (await call(direct, 'GET', '/v1/connections', { headers: from(`198.51.100.${i}`, `Bearer ock_guess${i}`) }))
            .status,
        );
      expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    } finally {
      await direct.close();
    }
  });

  it('refuses the sandbox API under a foreign Host (DNS rebinding) and serves it under ours', async () => {
    const port = new URL(h.baseUrl).port;
    // The harness's PUBLIC_URL is https://gateway.test (port 443); the loopback names on that port are ours too.
    expect(
      await withHost('/sandbox/api/connections', `evil.example:${port}`, {
        origin: `http://evil.example:${port}`,
        'sec-fetch-site': 'same-origin',
      }),
    ).toBe(403);
    expect(await withHost('/sandbox/api/connections', 'evil.example', { origin: 'http://evil.example' })).toBe(403);
    expect(
      await withHost('/sandbox/api/connections', 'gateway.test', {
        origin: 'https://gateway.test',
        'sec-fetch-site': 'same-origin',
      }),
    ).toBe(200);
    expect(await withHost('/sandbox/api/connections', 'localhost:443')).toBe(200);
  });
});
