import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyGraphError } from './classify-graph';
import { classifyMsalError } from './classify-msal';
import { classifyNetworkError, messageOf } from './classify-network';
import { GraphAccessTokenError } from './errors';
import { failure, type MicrosoftFailure } from './failure';

export interface ClassifyOptions {
  /** Clock for an HTTP-date Retry-After (tests). */
  now?: number;
}

const MAX_DEPTH = 5;

/**
 * The one place a Microsoft error becomes a product decision. Reads only structured fields (MSAL errorCode /
 * errorNo / subError / status, Graph statusCode / code / Retry-After, Node errno codes), never message text.
 * Anything unrecognised is `permanent` / `unknown`: a bug or an unknown answer should fail visibly, not loop.
 */
export function classifyMicrosoftError(err: unknown, options: ClassifyOptions = {}): MicrosoftFailure {
  return classifyAt(err, options.now ?? Date.now(), 0);
}

function classifyAt(err: unknown, now: number, depth: number): MicrosoftFailure {
  if (err instanceof GraphAccessTokenError && depth < MAX_DEPTH) return classifyAt(err.cause, now, depth + 1);
  const known = classifyMsalError(err, now) ?? classifyGraphError(err, now) ?? classifyNetworkError(err);
  if (known) return known;
  // A wrapper we do not know (e.g. `new Error('refresh failed', { cause })`): decide on what it wraps.
  const cause = typeof err === 'object' && err !== null ? (err as { cause?: unknown }).cause : undefined;
  if (cause !== undefined && depth < MAX_DEPTH) {
    const inner = classifyAt(cause, now, depth + 1);
    if (inner.code !== 'unknown') return inner;
  }
  return failure('unknown', {
    graphCode: err instanceof GraphError && err.code ? err.code : undefined,
    message: messageOf(err),
  });
}
