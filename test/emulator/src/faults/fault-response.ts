import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context';
import { graphErrorBody } from '../graph/graph-error';
import { aadTimestamp } from '../identity/aad-error';
import { guid } from '../util/ids';

const GRAPH_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'ErrorAccessDenied',
  404: 'ErrorItemNotFound',
  429: 'ApplicationThrottled',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceNotAvailable',
  504: 'GatewayTimeout',
};

/** The path as the client sent it (before mailFolders('x') is rewritten), without the query. */
export const requestPath = (request: FastifyRequest): string =>
  request.originalUrl.split('?')[0] ?? request.originalUrl;

const routedPath = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

/**
 * Applies an injected fault, if one matches: waits `latencyMs`, then drops the socket or answers with the status.
 * Returns true when the request has been answered (or dropped) here.
 */
export async function sendFault(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  flavor: 'graph' | 'identity',
): Promise<boolean> {
  const fault = ctx.faults.take(request.method, [requestPath(request), routedPath(request)]);
  if (!fault) return false;
  request.emulatorFault = fault.id;
  if (fault.latencyMs) await sleep(fault.latencyMs);
  if (fault.dropAnswer) {
    request.emulatorDropAnswer = true;
    return false;
  }
  if (fault.drop) {
    reply.hijack();
    request.raw.socket.destroy();
    return true;
  }
  if (!fault.status) return false;
  const headers: Record<string, string> =
    fault.retryAfterSec !== undefined ? { 'retry-after': String(fault.retryAfterSec) } : {};
  const now = ctx.clock.now();
  const clientRequestId =
    typeof request.headers['client-request-id'] === 'string' ? request.headers['client-request-id'] : undefined;
  if (flavor === 'graph') {
    const code = fault.code ?? GRAPH_CODES[fault.status] ?? 'UnknownError';
    reply
      .code(fault.status)
      .headers(headers)
      .send(graphErrorBody(code, `Injected fault (${code}).`, now, clientRequestId));
    return true;
  }
  const error =
    fault.code ?? (fault.status >= 500 || fault.status === 429 ? 'temporarily_unavailable' : 'invalid_request');
  const traceId = guid();
  const correlationId = clientRequestId ?? guid();
  reply
    .code(fault.status)
    .headers(headers)
    .send({
      error,
      error_description: `Injected fault (${error}).\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${aadTimestamp(now)}`,
      error_codes: [],
      timestamp: aadTimestamp(now),
      trace_id: traceId,
      correlation_id: correlationId,
    });
  return true;
}
