import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { mailboxOf, type EmulatorContext } from '../context';
import type { IdType, Mailbox } from '../mailbox/mailbox';
import { requestPath, sendFault } from '../faults/fault-response';
import type { User } from '../state/model';
import { authenticateGraph, requireScope, type GraphPrincipal } from './graph-auth';
import { GraphError, graphErrorBody, graphRequestIds } from './graph-error';
import { idTypeOf } from './prefer';

export interface GraphCall {
  ctx: EmulatorContext;
  principal: GraphPrincipal;
  user: User;
  mailbox: Mailbox;
  /** The id format this request sees and names messages in (Prefer: IdType="ImmutableId"). */
  idType: IdType;
  request: FastifyRequest;
  /** The path as the client sent it, e.g. /v1.0/me/mailFolders('inbox')/messages (links echo it). */
  path: string;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
  body: unknown;
}

/** What a Graph handler returns: JSON with a status, or an empty body. */
export interface GraphResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GraphRouteSpec {
  method: HTTPMethods;
  path: string; // under /v1.0
  scopes: readonly string[];
  /** Counts against sendsPerMinute. */
  isSend?: boolean;
  handler: (call: GraphCall) => GraphResult | Promise<GraphResult>;
}

const JSON_TYPE =
  'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

export function sendGraphError(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  err: GraphError,
): FastifyReply {
  return reply
    .code(err.status)
    .headers(err.headers)
    .type(JSON_TYPE)
    .send(graphErrorBody(err.code, err.message, ctx.clock.now(), graphRequestIds(request)));
}

const stringRecord = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
};

/** Registers one Graph route: auth, scope check, mailbox limits, injected faults, then the handler. */
export function graphRoute(app: FastifyInstance, ctx: EmulatorContext, spec: GraphRouteSpec): void {
  app.route({
    method: spec.method,
    url: `/v1.0${spec.path}`,
    handler: async (request, reply) => {
      try {
        ctx.transport.settle(); // what transport finished by now is visible to this request
        const principal = authenticateGraph(ctx, request.headers.authorization);
        const user = principal.user;
        request.emulatorEmail = user.email;
        requireScope(principal, spec.scopes);
        const now = ctx.clock.now();
        const verdict = ctx.limiter.admitRequest(user.email, ctx.counters.current(user.email), now);
        if (!verdict.ok) {
          const message =
            verdict.limit === 'MailboxConcurrency'
              ? 'Application is over its MailboxConcurrency limit.'
              : 'Application is over its IncomingBytes/RequestRate limit.';
          throw new GraphError(429, 'ApplicationThrottled', message, { 'retry-after': String(verdict.retryAfterSec) });
        }
        ctx.counters.enter(user.email);
        request.emulatorCounted = true;
        if (await sendFault(ctx, request, reply, 'graph')) return reply;
        if (spec.isSend) {
          const send = ctx.limiter.admitSend(user.email, now);
          if (!send.ok) {
            throw new GraphError(429, 'ApplicationThrottled', 'Application is over its MessageSubmissionRate limit.', {
              'retry-after': String(send.retryAfterSec),
            });
          }
        }
        const result = await spec.handler({
          ctx,
          principal,
          user,
          mailbox: mailboxOf(ctx, user),
          idType: idTypeOf(request.headers),
          request,
          path: requestPath(request),
          query: stringRecord(request.query),
          params: stringRecord(request.params),
          body: request.body,
        });
        if (request.emulatorDropAnswer) {
          reply.hijack();
          request.raw.socket.destroy();
          return reply;
        }
        reply.code(result.status).headers({ ...result.headers });
        if (result.body === undefined) return reply.send();
        return reply.type(JSON_TYPE).send(JSON.stringify(result.body));
      } catch (err) {
        if (err instanceof GraphError) return sendGraphError(ctx, request, reply, err);
        throw err;
      }
    },
  });
}
