import { GraphClientError } from '@microsoft/microsoft-graph-client';

/**
 * A Microsoft HTTP answer seen outside the Graph client (raw fetch to Graph or the identity platform).
 * Classified like a GraphError: on status, Graph code and Retry-After.
 */
export class MicrosoftHttpError extends Error {
  override readonly name = 'MicrosoftHttpError';
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfter: string | undefined;

  constructor(options: { status: number; code?: string; retryAfter?: string; message?: string }) {
    super(options.message ?? `Microsoft answered HTTP ${options.status}${options.code ? ` ${options.code}` : ''}`);
    this.status = options.status;
    this.code = options.code;
    this.retryAfter = options.retryAfter;
  }
}

/*
 * Both errors below extend GraphClientError because GraphRequest rethrows that class untouched; anything else it
 * flattens into a GraphError and drops the original (and with it the fields we classify on).
 */

/** No HTTP answer from Graph (connection refused/reset, DNS, TLS, timeout); `cause` is the fetch error. */
export class GraphTransportError extends GraphClientError {
  override readonly name = 'GraphTransportError';
  override readonly cause: unknown;

  constructor(cause: unknown) {
    super(`Graph request failed before a response: ${cause instanceof Error ? cause.message : String(cause)}`);
    // GraphClientError pins its own prototype in its constructor; restore ours so instanceof works.
    Object.setPrototypeOf(this, new.target.prototype);
    this.cause = cause;
  }
}

/** getAccessToken failed while calling Graph; `cause` is the MSAL (or store) error, classified as such. */
export class GraphAccessTokenError extends GraphClientError {
  override readonly name = 'GraphAccessTokenError';
  override readonly cause: unknown;

  constructor(cause: unknown) {
    super(`Could not get an access token for Graph: ${cause instanceof Error ? cause.message : String(cause)}`);
    // GraphClientError pins its own prototype in its constructor; restore ours so instanceof works.
    Object.setPrototypeOf(this, new.target.prototype);
    this.cause = cause;
  }
}
