import type { GatewayDeps } from '../clients';
import type { GatewayApp } from '../http/gateway-app';
import { ApiError } from '../http/api-error';
import { sandboxPage } from '../sandbox/sandbox-page';

/**
 * SANDBOX only: the Email Connections page and a same-origin proxy to /v1 that adds the sandbox workspace's API key,
 * which never leaves the server. No CORS headers are sent, so other origins cannot read the answers.
 */
export function sandboxRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const ownOrigin = new URL(deps.env.PUBLIC_URL).origin;

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(sandboxPage()));

  app.route({
    method: ['GET', 'POST', 'PATCH', 'DELETE'],
    url: '/sandbox/api/*',
    schema: { hide: true },
    handler: async (req, reply) => {
      const origin = req.headers.origin;
      const site = req.headers['sec-fetch-site'];
      const host = `${req.protocol}://${req.headers.host ?? ''}`;
      if ((origin && origin !== ownOrigin && origin !== host) || (site && site !== 'same-origin' && site !== 'none')) {
        throw new ApiError(403, 'forbidden', 'The sandbox API is for the sandbox page only.');
      }
      if (!deps.sandboxApiKey) throw new ApiError(503, 'sandbox_not_ready', 'The sandbox workspace is not set up.');
      const path = (req.params as { '*': string })['*'];
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      const res = await app.inject({
        method: req.method as 'GET' | 'POST' | 'PATCH' | 'DELETE',
        url: `/v1/${path}${query}`,
        headers: { authorization: `Bearer ${deps.sandboxApiKey}`, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(req.body !== undefined ? { payload: JSON.stringify(req.body) } : {}),
      });
      return reply.code(res.statusCode).type(res.headers['content-type']?.toString() ?? 'application/json').send(res.body);
    },
  });
}
