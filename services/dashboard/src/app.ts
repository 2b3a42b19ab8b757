import basicAuth from '@fastify/basic-auth';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { credentialsMatch } from './auth/credentials';
import { limitFailedAuth } from '@outlook-connect/shared/http';
import { refusedInReadOnly } from './auth/read-only';
import { registerQueueBoard } from './board/queue-board';
import type { DashboardDeps } from './deps';
import { createQueueDepthIndex } from './health/queue-depth';
import { registerHealthRoutes } from './health/routes';
import { createMetricsRegistry } from './metrics/registry';
import { installAntiFraming } from './security-headers';

export const REALM = 'outlook-connect operators';

class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
  readonly statusCode = 401;
}

/**
 * The operators' dashboard: bull-board under /queues, connection health under /health and /api/health, Prometheus
 * under /metrics. Every route, asset and bull-board API call passes basic auth first (a root onRequest hook), then
 * in read-only mode a guard that refuses anything but reads.
 */
export async function buildDashboard(deps: DashboardDeps): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  const timeout = deps.requestTimeoutMs ?? 15_000;
  // Every request ends: its lifecycle, a slow client's upload and an idle socket are all bounded.
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    handlerTimeout: timeout,
    requestTimeout: 2 * timeout,
    connectionTimeout: 4 * timeout,
  });
  // bull-board's retry/clean buttons must not be clickable through a frame. Two headers rather than @fastify/helmet:
  // helmet's default CSP (script-src 'self', no inline styles) would break bull-board's inline script and styles.
  installAntiFraming(app);
  // Before basic auth: a locked-out address gets 429 even with the right password, so guessing learns nothing.
  await limitFailedAuth(app, deps.authFailureLimit ?? { max: 10, windowMs: 60_000 }, () => true);

  await app.register(basicAuth, {
    authenticate: { realm: REALM },
    async validate(user, password, req) {
      if (!credentialsMatch(deps.credentials, user, password)) {
        // Neither the user name nor the password is logged: people paste passwords into the wrong field.
        req.log.warn({ ip: req.ip, url: req.url }, 'dashboard: rejected credentials');
        throw new UnauthorizedError('Wrong user name or password.');
      }
    },
  });
  app.addHook('onRequest', app.basicAuth);
  if (deps.readOnly) {
    app.addHook('onRequest', async (req, reply) => {
      if (!refusedInReadOnly(req.method)) return;
      req.log.warn({ method: req.method, url: req.url }, 'dashboard: refused a change in read-only mode');
      return reply.code(403).send({
        error: 'read_only',
        message:
          'The dashboard is read-only (DASHBOARD_READ_ONLY=true): retry, remove, promote, clean and every other change are refused.',
      });
    });
  }

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 401)
      return reply
        .code(401)
        .send({ error: 'unauthorized', message: "Sign in with the operators' user name and password." });
    if (
      status >= 500 &&
      (deps.redis.status !== 'ready' || /^Mongo/.test(err.name) || err.code === 'FST_ERR_HANDLER_TIMEOUT')
    ) {
      // An outage of Redis or the store (or a request it held up): retry later, not a fault of the dashboard.
      return reply.code(503).header('retry-after', '5').send({
        error: 'dependency_unavailable',
        message: 'Redis or the store is unavailable for now; retry in a few seconds.',
      });
    }
    if (status >= 500) req.log.error({ err, url: req.url }, 'dashboard: request failed');
    return reply.code(status).send({
      error: status >= 500 ? 'internal_error' : 'bad_request',
      message: status >= 500 ? 'The dashboard could not answer; see its log.' : err.message,
    });
  });

  // bull-board answers its own 500 when Redis is away; that is an outage too, to retry later.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (reply.statusCode < 500 || reply.statusCode === 503 || deps.redis.status === 'ready') return payload;
    reply.code(503).header('retry-after', '5').type('application/json; charset=utf-8');
    return JSON.stringify({
      error: 'dependency_unavailable',
      message: 'Redis is unavailable for now; retry in a few seconds.',
    });
  });

  const queue = deps.queues.queue;
  const depth = createQueueDepthIndex({
    queue,
    redis: deps.redis,
    models: deps.models,
    scanLimit: deps.depthScanLimit ?? 20_000,
    now,
  });
  registerHealthRoutes(app, { source: { models: deps.models, depth, now }, readOnly: deps.readOnly });

  const registry = createMetricsRegistry({
    queue,
    redis: deps.redis,
    prefix: deps.queues.prefix,
    models: deps.models,
    now,
    durationSample: deps.durationSample ?? 500,
    windowSec: deps.metricsWindowSec ?? 3600,
  });
  app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));

  await registerQueueBoard(app, { queue, readOnly: deps.readOnly });
  return app;
}
