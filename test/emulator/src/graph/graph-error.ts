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

export function graphErrorBody(
  code: string,
  message: string,
  nowMs: number,
  clientRequestId?: string,
): Record<string, unknown> {
  const requestId = guid();
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date(nowMs).toISOString().replace(/\.\d+Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}
