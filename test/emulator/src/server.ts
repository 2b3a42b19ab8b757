import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import './identity/fastify-augment';
import type { EmulatorContext } from './context';
import { registerControlRoutes } from './control/control-routes';
import type { EmulatorControl } from './control/types';
import { requestPath, sendFault } from './faults/fault-response';
import { registerDeltaRoutes } from './graph/delta-routes';
import { registerEventRoutes } from './graph/event-routes';
import { registerFolderRoutes } from './graph/folder-routes';
import { graphErrorBody, graphRequestIds } from './graph/graph-error';
import { registerMeRoutes } from './graph/me-routes';
import { registerMessageRoutes } from './graph/message-routes';
import { registerReplyRoutes } from './graph/reply-routes';
import { registerSendRoutes } from './graph/send-routes';
import { registerTranslateIdRoutes } from './graph/translate-ids-routes';
import { registerUploadSessionRoutes } from './graph/upload-session-routes';
import { registerAdminConsentRoutes } from './identity/admin-consent-routes';
import { registerAuthorizeRoutes } from './identity/authorize-routes';
import { registerDiscoveryRoutes, registerLogoutRoute } from './identity/discovery-routes';
import { registerTokenRoutes } from './identity/token-routes';
import { registerSubscriptionRoutes } from './notifications/subscription-routes';

/** Graph addresses a folder as mailFolders('inbox') too; route it like mailFolders/inbox. */
export function rewriteGraphUrl(url: string): string {
  return url.replace(
    /\/mailFolders(?:\(|%28)(?:'|%27)([^'%)]*)(?:'|%27)(?:\)|%29)/i,
    (_m, id: string) => `/mailFolders/${id}`,
  );
}

const isGraph = (path: string): boolean => path.startsWith('/v1.0/');
const isControl = (path: string): boolean => path.startsWith('/_emulator');

function releaseMailbox(ctx: EmulatorContext, request: FastifyRequest): void {
  if (!request.emulatorCounted || !request.emulatorEmail) return;
  request.emulatorCounted = false;
  ctx.counters.leave(request.emulatorEmail.toLowerCase());
}

/** Logs a request once: when its answer is sent (status known) or when its socket closes unanswered (status 0). */
function logRequest(ctx: EmulatorContext, request: FastifyRequest, status: number, retryAfter: unknown): void {
  if (request.emulatorLogged) return;
  request.emulatorLogged = true;
  const path = requestPath(request);
  if (isControl(path)) return;
  const email = request.emulatorEmail?.toLowerCase();
  ctx.requestLog.add({
    at: request.emulatorStartedAt ?? ctx.clock.now(),
    method: request.method,
    path,
    status,
    ...(email ? { email } : {}),
    ...(retryAfter !== undefined ? { retryAfterSec: Number(retryAfter) } : {}),
    ...(request.emulatorFault ? { fault: request.emulatorFault } : {}),
  });
  ctx.log({ t: new Date().toISOString(), method: request.method, path, status, email, fault: request.emulatorFault });
}

function installHooks(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (request, reply) => {
    request.emulatorStartedAt = ctx.clock.now();
    // Graph answers every request with its request-id and the client's client-request-id (or the request-id).
    if (isGraph(requestPath(request))) {
      const ids = graphRequestIds(request);
      reply.headers({ 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId });
    }
    reply.raw.once('close', () => {
      releaseMailbox(ctx, request);
      logRequest(ctx, request, reply.raw.writableFinished ? reply.raw.statusCode : 0, undefined);
    });
  });
  // The answer is on its way: stop counting the request against mailbox concurrency, and log it (tests read
  // counters and logs as soon as their client has the response).
  app.addHook('onSend', async (request, reply, payload) => {
    releaseMailbox(ctx, request);
    logRequest(ctx, request, reply.statusCode, reply.getHeader('retry-after'));
    return payload;
  });
  // Identity endpoints take faults here; Graph routes apply them after auth and mailbox accounting.
  app.addHook('preHandler', async (request, reply) => {
    const path = requestPath(request);
    if (isGraph(path) || isControl(path)) return;
    if (await sendFault(ctx, request, reply, 'identity')) return reply;
    return undefined;
  });
}

export interface ServerOptions {
  /** Called after every answered request (the persisted state saves itself, debounced). */
  onAnswered?: () => void;
}

/** Fastify with the emulator's parsing, hooks and error shapes; `tls` absent = plain HTTP. */
function baseServer(
  ctx: EmulatorContext,
  tls: { key: string; cert: string } | undefined,
  opts: ServerOptions,
): FastifyInstance {
  const app = Fastify({
    ...(tls ? { https: tls } : {}),
    rewriteUrl: (req) => rewriteGraphUrl(req.url ?? '/'),
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2000 },
    bodyLimit: 40 * 1024 * 1024,
    logger: false,
  }) as unknown as FastifyInstance;
  app.register(formbody);
  app.removeContentTypeParser('application/json');
  // Graph clients POST actions like /send with an empty body and a JSON content type.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = new Error(
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      ) as FastifyError;
      err.statusCode = 400;
      done(err, undefined);
    }
  });
  installHooks(app, ctx);
  if (opts.onAnswered) {
    const onAnswered = opts.onAnswered;
    app.addHook('onResponse', async () => onAnswered());
  }
  app.setNotFoundHandler((request, reply) => {
    const path = requestPath(request);
    if (isGraph(path) && tls) {
      const segment = path.split('/').filter(Boolean).pop() ?? '';
      return reply
        .code(400)
        .send(
          graphErrorBody(
            'BadRequest',
            `Resource not found for the segment '${segment}'.`,
            ctx.clock.now(),
            graphRequestIds(request),
          ),
        );
    }
    return reply
      .code(404)
      .send({ error: 'not_found', error_description: `No emulated endpoint at ${request.method} ${path}` });
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (isGraph(requestPath(request)))
      return reply
        .code(status)
        .send(
          graphErrorBody(
            status === 400 ? 'BadRequest' : 'generalException',
            err.message,
            ctx.clock.now(),
            graphRequestIds(request),
          ),
        );
    return reply
      .code(status)
      .send({ error: status === 400 ? 'invalid_request' : 'server_error', error_description: err.message });
  });
  return app;
}

export function buildServer(
  ctx: EmulatorContext,
  control: EmulatorControl,
  tls: { key: string; cert: string },
  opts: ServerOptions = {},
): FastifyInstance {
  const app = baseServer(ctx, tls, opts);
  registerDiscoveryRoutes(app, ctx);
  registerAuthorizeRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerAdminConsentRoutes(app, ctx);
  registerMeRoutes(app, ctx);
  registerMessageRoutes(app, ctx);
  registerFolderRoutes(app, ctx);
  registerSendRoutes(app, ctx);
  registerTranslateIdRoutes(app, ctx);
  registerReplyRoutes(app, ctx);
  registerDeltaRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerUploadSessionRoutes(app, ctx);
  registerSubscriptionRoutes(app, ctx);
  registerControlRoutes(app, control);
  return app;
}

/**
 * SANDBOX only: the pages a person's browser visits (sign-in and consent, admin consent, sign-out) over plain HTTP,
 * so no browser shows an untrusted-certificate page. Token endpoint, Graph and the control API are not here.
 */
export function buildInteractiveServer(ctx: EmulatorContext, opts: ServerOptions = {}): FastifyInstance {
  const app = baseServer(ctx, undefined, opts);
  registerAuthorizeRoutes(app, ctx);
  registerAdminConsentRoutes(app, ctx);
  registerLogoutRoute(app, ctx);
  return app;
}
