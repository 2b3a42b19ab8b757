import type { FastifyRequest } from 'fastify';
import { guid } from '../util/ids';

/** A Graph error response: `{error:{code,message,innerError}}` with an HTTP status. */
export class GraphError extends Error {
  override readonly name = 'GraphError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const badRequest = (message: string, code = 'ErrorInvalidRequest'): GraphError =>
  new GraphError(400, code, message);

export interface GraphRequestIds {
  requestId: string;
  /** The client's own `client-request-id` when it sent one, else the request id. */
  clientRequestId: string;
}

/** The ids of one Graph request, assigned once: answered as headers and inside `innerError`. */
export function graphRequestIds(request: FastifyRequest): GraphRequestIds {
  if (request.emulatorRequestIds) return request.emulatorRequestIds;
  const requestId = guid();
  const sent = request.headers['client-request-id'];
  const ids = { requestId, clientRequestId: typeof sent === 'string' && sent ? sent : requestId };
  request.emulatorRequestIds = ids;
  return ids;
}

/** `innerError.date`: the UTC instant to the second, with its `Z` (an ISO 8601 UTC date-time). */
export const innerErrorDate = (nowMs: number): string => new Date(nowMs).toISOString().replace(/\.\d+Z$/, 'Z');

export function graphErrorBody(
  code: string,
  message: string,
  nowMs: number,
  ids: GraphRequestIds = { requestId: guid(), clientRequestId: guid() },
): Record<string, unknown> {
  return {
    error: {
      code,
      message,
      innerError: {
        date: innerErrorDate(nowMs),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
      },
    },
  };
}
