import type { IncomingMessage } from 'node:http';
import { isSameOriginRequest, sandboxRewriteUrl } from './sandbox-rewrite';

const req = (url: string, headers: Record<string, string> = {}) => ({ url, headers: { host: 'gw.test', ...headers } }) as unknown as IncomingMessage;

describe('sandbox rewrite', () => {
  const rewrite = sandboxRewriteUrl('https://gw.test', () => 'ock_key');

  it('maps the page\'s same-origin calls to /v1 with the server-held key', () => {
    const r = req('/sandbox/api/connections?x=1', { origin: 'https://gw.test', 'sec-fetch-site': 'same-origin', authorization: 'Bearer other' });
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
});
