import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { GatewayDeps } from './clients';
import { installApiDocs } from './http/api-docs';
import { requireWorkspaceKeyFirst } from './http/auth';
import { installErrorHandler } from './http/error-handler';
import { limitFailedAuth } from '@outlook-connect/shared/http';
import { installAntiFraming } from './http/security-headers';
import type { GatewayApp } from './http/gateway-app';
import { apiKeyRoutes } from './routes/api-keys';
import { attachmentRoutes } from './routes/attachments';
import { calendarRoutes } from './routes/calendar';
import { connectRoutes } from './routes/connect';
import { connectionRoutes } from './routes/connections';
import { graphNotificationRoutes } from './routes/graph-notifications';
import { healthRoutes } from './routes/health';
import { oauthAppRoutes } from './routes/oauth-apps';
import { sandboxRoutes } from './routes/sandbox';
import { sendRoutes } from './routes/sends';
import { webhookDeliveryRoutes } from './routes/webhook-endpoints-deliveries';
import { webhookEndpointRoutes } from './routes/webhook-endpoints';
import { workspaceRoutes } from './routes/workspaces';
import { sandboxRewriteUrl } from './sandbox/sandbox-rewrite';

/** Believe the nearest `hops` proxies (Fastify takes a hop count only as a function in its types). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** The gateway's HTTP app, wired from deps (no globals). Call `.listen()` or `.inject()`; `.close()` closes HTTP only. */
export async function buildGateway(deps: GatewayDeps): Promise<GatewayApp> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Request lines would carry the callback's ?code=; we log what matters ourselves. (Fastify 5's LogController:
    // the top-level disableRequestLogging is deprecated, FSTDEP023.)
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // Every request ends: the whole lifecycle is bounded (503), and so are slow clients' requests and idle sockets.
    handlerTimeout: deps.env.REQUEST_TIMEOUT_MS,
    requestTimeout: 2 * deps.env.REQUEST_TIMEOUT_MS,
    connectionTimeout: 4 * deps.env.REQUEST_TIMEOUT_MS,
    // Only the configured proxies' X-Forwarded-For is believed; trusting every sender would let a guesser pick its own address.
    trustProxy: typeof deps.env.TRUST_PROXY === 'number' ? trustHops(deps.env.TRUST_PROXY) : deps.env.TRUST_PROXY,
    ...(deps.env.SANDBOX
      ? { rewriteUrl: sandboxRewriteUrl(new URL(deps.env.PUBLIC_URL).origin, () => deps.sandboxApiKey) }
      : {}),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app, () => deps.dependencies.state());
  installAntiFraming(app);
  await limitFailedAuth(
    app,
    { max: deps.env.AUTH_FAILURE_LIMIT, windowMs: deps.env.AUTH_FAILURE_WINDOW_SEC * 1000 },
    (req) => /^\/(v1|sandbox\/api)\//.test(req.url),
  );
  requireWorkspaceKeyFirst(app, deps.models);
  await installApiDocs(app, deps.env.PUBLIC_URL);
  healthRoutes(app, deps);
  workspaceRoutes(app, deps);
  apiKeyRoutes(app, deps);
  oauthAppRoutes(app, deps);
  connectRoutes(app, deps);
  connectionRoutes(app, deps);
  sendRoutes(app, deps);
  attachmentRoutes(app, deps);
  calendarRoutes(app, deps);
  webhookEndpointRoutes(app, deps);
  webhookDeliveryRoutes(app, deps);
  graphNotificationRoutes(app, deps);
  if (deps.env.SANDBOX) sandboxRoutes(app, deps);
  await app.ready();
  return app;
}
