import type { IncomingMessage } from 'node:http';

export const SANDBOX_API_PREFIX = '/sandbox/api/';
export const SANDBOX_REFUSED_URL = '/sandbox/refused';

/**
 * The Host headers the sandbox API answers: the loopback names and PUBLIC_URL's own host, on PUBLIC_URL's port. A
 * DNS-rebinding page reaches us under its own name (Host: evil.example:3000), which is refused.
 */
export function sandboxHosts(publicUrl: string): Set<string> {
  const url = new URL(publicUrl);
  const port = url.port;
  const names = new Set(['localhost', '127.0.0.1', '[::1]', url.hostname.toLowerCase()]);
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const hosts = new Set<string>();
  for (const name of names) {
    hosts.add(`${name}:${port || defaultPort}`);
    if (!port) hosts.add(name);
  }
  return hosts;
}

export function isSandboxHost(host: string | undefined, allowed: Set<string>): boolean {
  return !!host && allowed.has(host.toLowerCase());
}

/** Same-origin requests only: the browser's Origin / Sec-Fetch-Site must say the sandbox page sent it. */
export function isSameOriginRequest(headers: IncomingMessage['headers'], ownOrigin: string): boolean {
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return false;
  if (!origin) return true;
  if (origin === ownOrigin) return true;
  try {
    return new URL(origin).host === headers.host?.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * SANDBOX only: `/sandbox/api/<path>` becomes `/v1/<path>` with the sandbox workspace's API key, added here on the
 * server so the key never reaches the browser. Anything not from the page itself, or under another Host, goes to a 403.
 */
export function sandboxRewriteUrl(
  ownOrigin: string,
  apiKey: () => string | undefined,
): (req: IncomingMessage) => string {
  const hosts = sandboxHosts(ownOrigin);
  return (req) => {
    const url = req.url ?? '/';
    if (!url.startsWith(SANDBOX_API_PREFIX)) return url;
    const key = apiKey();
    if (!key || !isSandboxHost(req.headers.host, hosts) || !isSameOriginRequest(req.headers, ownOrigin))
      return SANDBOX_REFUSED_URL;
    req.headers.authorization = `Bearer ${key}`;
    return `/v1/${url.slice(SANDBOX_API_PREFIX.length)}`;
  };
}
