import type { GatewayDeps } from '../clients';
import { ApiError } from '../http/api-error';
import type { GatewayApp } from '../http/gateway-app';
import { pagesOriginLoader } from '../sandbox/pages-origin';
import { sandboxPage } from '../sandbox/sandbox-page';
import { SANDBOX_REFUSED_URL } from '../sandbox/sandbox-rewrite';
import { webhookReceiverRoutes } from '../sandbox/webhook-receiver';

/**
 * SANDBOX only: the Email Connections page. Its calls to /sandbox/api/* are rewritten to /v1 with the sandbox key
 * (sandbox-rewrite.ts); no CORS headers are sent, so other origins cannot read the answers.
 */
export function sandboxRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const loginOrigin = new URL(deps.env.MICROSOFT_LOGIN_URL).origin;
  const pagesOrigin = pagesOriginLoader(deps.env.MICROSOFT_LOGIN_URL, (obj, msg) => deps.logger.warn(obj, msg));
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    const pages = await pagesOrigin();
    return reply
      .type('text/html; charset=utf-8')
      .send(sandboxPage({ loginOrigin, ...(pages ? { pagesOrigin: pages } : {}) }));
  });
  webhookReceiverRoutes(app, deps);
  app.route({
    method: ['GET', 'POST', 'PATCH', 'DELETE'],
    url: SANDBOX_REFUSED_URL,
    schema: { hide: true },
    handler: async () => {
      throw new ApiError(
        403,
        'forbidden',
        'The sandbox API is for the sandbox page only (and needs the sandbox workspace).',
      );
    },
  });
}
