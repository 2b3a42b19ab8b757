import { GraphTransportError } from './errors';
import { failure, type MicrosoftFailure } from './failure';

/** Node / undici error codes meaning "no usable answer, try again later". */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Error names (not messages) that mean a request was cut off. */
const TRANSIENT_ERROR_NAMES = new Set(['AbortError', 'TimeoutError', 'ConnectTimeoutError', 'SocketError']);

const MAX_CAUSE_DEPTH = 5;

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The first Node/undici error code found on the error or its `cause` chain (`fetch failed` keeps it in cause). */
export function networkErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    const code = field(current, 'code');
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return code;
    const name = field(current, 'name');
    if (typeof name === 'string' && TRANSIENT_ERROR_NAMES.has(name)) return name;
    current = field(current, 'cause');
  }
  return undefined;
}

export function classifyNetworkError(err: unknown): MicrosoftFailure | undefined {
  const code = networkErrorCode(err);
  if (code !== undefined) return failure('network', { graphCode: code, message: messageOf(err) });
  // No HTTP answer at all (TLS failures included): the transport is the problem, not the request.
  if (err instanceof GraphTransportError) return failure('network', { message: err.message });
  return undefined;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  const message = field(err, 'message');
  return typeof message === 'string' ? message : '';
}
