import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context';
import { graphErrorBody, graphRequestIds } from '../graph/graph-error';
import { aadTimestamp } from '../identity/aad-error';
import { guid } from '../util/ids';

// An injected fault's default code: the basic codes of "Microsoft Graph error responses" ("Code property"), in
// their documented casing; Outlook's own codes where Outlook documents one (401, 403, 404).
export const GRAPH_FAULT_CODES: Readonly<Record<number, string>> = {
  400: 'invalidRequest',
  401: 'InvalidAuthenticationToken',
  403: 'ErrorAccessDenied',
  404: 'ErrorItemNotFound',
  429: 'activityLimitReached',
  500: 'generalException',
  502: 'generalException',
  503: 'serviceNotAvailable',
  504: 'serviceNotAvailable',
};

/** Seconds of Retry-After a Graph 429/503/504 fault carries when the test names none (assumed). */
export const DEFAULT_FAULT_RETRY_AFTER_SEC = 1;

/** The Retry-After of an injected answer: throttling and unavailability carry one unless the fault says not. */
export function faultRetryAfter(
  fault: { status?: number; retryAfterSec?: number; noRetryAfter?: boolean },
  flavor: 'graph' | 'identity',
): number | undefined {
  if (fault.retryAfterSec !== undefined) return fault.retryAfterSec;
  if (flavor !== 'graph' || fault.noRetryAfter) return undefined;
  return fault.status === 429 || fault.status === 503 || fault.status === 504
    ? DEFAULT_FAULT_RETRY_AFTER_SEC
    : undefined;
}

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
  const retryAfter = faultRetryAfter(fault, flavor);
  const headers: Record<string, string> = retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {};
  const now = ctx.clock.now();
  const clientRequestId =
    typeof request.headers['client-request-id'] === 'string' ? request.headers['client-request-id'] : undefined;
  if (flavor === 'graph') {
    const code = fault.code ?? GRAPH_FAULT_CODES[fault.status] ?? 'generalException';
    reply
      .code(fault.status)
      .headers(headers)
      .send(graphErrorBody(code, `Injected fault (${code}).`, now, graphRequestIds(request)));
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
