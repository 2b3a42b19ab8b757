import type { IncomingMessage } from 'node:http';
import { isSameOriginRequest, isSandboxHost, sandboxHosts, sandboxRewriteUrl } from './sandbox-rewrite';

const req = (url: string, headers: Record<string, string> = {}) =>
  ({ url, headers: { host: 'gw.test', ...headers } }) as unknown as IncomingMessage;

describe('sandbox rewrite', () => {
  const rewrite = sandboxRewriteUrl('https://gw.test', () => 'ock_key');

  it("maps the page's same-origin calls to /v1 with the server-held key", () => {
    const r = req('/sandbox/api/connections?x=1', {
      origin: 'https://gw.test',
      'sec-fetch-site': 'same-origin',
      authorization: 'Bearer other',
    });
    expect(rewrite(r)).toBe('/v1/connections?x=1');
    expect(r.headers.authorization).toBe('Bearer ock_key');
  });

  it('refuses other origins and cross-site fetches, and leaves other URLs alone', () => {
    expect(rewrite(req('/sandbox/api/connections', { origin: 'https://evil.test' }))).toBe('/sandbox/refused');
    expect(rewrite(req('/sandbox/api/connections', { 'sec-fetch-site': 'cross-site' }))).toBe('/sandbox/refused');
    expect(rewrite(req('/v1/connections'))).toBe('/v1/connections');
    expect(sandboxRewriteUrl('https://gw.test', () => undefined)(req('/sandbox/api/x'))).toBe('/sandbox/refused');
  });

  it('treats a missing Origin (same-origin GET) as the page', () => {
    expect(isSameOriginRequest({ host: 'gw.test' }, 'https://gw.test')).toBe(true);
    expect(isSameOriginRequest({ host: 'gw.test', origin: 'null' }, 'https://gw.test')).toBe(false);
  });

  it('refuses a DNS-rebinding page: its Origin matches its Host, but the Host is not ours', () => {
    const local = sandboxRewriteUrl('http://127.0.0.1:3000', () => 'ock_key');
    const rebound = req('/sandbox/api/connections', {
      host: 'evil.example:3000',
      origin: 'http://evil.example:3000',
      'sec-fetch-site': 'same-origin',
    });
    expect(local(rebound)).toBe('/sandbox/refused');
    expect(rebound.headers.authorization).toBeUndefined();
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST:3000', '[::1]:3000']) {
      expect(local(req('/sandbox/api/connections', { host, origin: `http://${host}` }))).toBe('/v1/connections');
    }
    expect(local(req('/sandbox/api/connections', { host: 'localhost:3001', origin: 'http://localhost:3001' }))).toBe(
      '/sandbox/refused',
    );
  });

  it('allows the loopback names and PUBLIC_URL host on its port (default ports also without one)', () => {
    const hosts = sandboxHosts('https://gw.test');
    expect(isSandboxHost('gw.test', hosts)).toBe(true);
    expect(isSandboxHost('gw.test:443', hosts)).toBe(true);
    expect(isSandboxHost('localhost', hosts)).toBe(true);
    expect(isSandboxHost('gw.test.evil.example', hosts)).toBe(false);
    expect(isSandboxHost(undefined, hosts)).toBe(false);
    expect(isSandboxHost('127.0.0.1:8080', sandboxHosts('http://127.0.0.1:3000'))).toBe(false);
  });
});
