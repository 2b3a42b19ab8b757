import type { IncomingMessage } from 'node:http';

export const SANDBOX_API_PREFIX = '/sandbox/api/';
export const SANDBOX_REFUSED_URL = '/sandbox/refused';

/** Same-origin requests only: the browser's Origin / Sec-Fetch-Site must say the sandbox page sent it. */
export function isSameOriginRequest(headers: IncomingMessage['headers'], ownOrigin: string): boolean {
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return false;
  if (!origin) return true;
  if (origin === ownOrigin) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}

/**
 * SANDBOX only: `/sandbox/api/<path>` becomes `/v1/<path>` with the sandbox workspace's API key, added here on the
 * server so the key never reaches the browser. Anything not from the page itself goes to a 403.
 */
export function sandboxRewriteUrl(ownOrigin: string, apiKey: () => string | undefined): (req: IncomingMessage) => string {
  return (req) => {
    const url = req.url ?? '/';
    if (!url.startsWith(SANDBOX_API_PREFIX)) return url;
    const key = apiKey();
    if (!key || !isSameOriginRequest(req.headers, ownOrigin)) return SANDBOX_REFUSED_URL;
    req.headers.authorization = `Bearer ${key}`;
    return `/v1/${url.slice(SANDBOX_API_PREFIX.length)}`;
  };
}
