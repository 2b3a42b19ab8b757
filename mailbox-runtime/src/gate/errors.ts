import { GraphClientError } from '@microsoft/microsoft-graph-client';
import { ConnectionUnusableError, MailboxBusyError } from '../contracts';

/**
 * Carries a gate or connection error out of the Graph client: GraphRequest rethrows GraphClientError untouched but
 * flattens anything else into a GraphError with status -1, losing the retry-at or the connection's reason.
 */
export class MailboxRequestError extends GraphClientError {
  override readonly name = 'MailboxRequestError';
  override readonly cause: MailboxBusyError | ConnectionUnusableError;

  constructor(cause: MailboxBusyError | ConnectionUnusableError) {
    super(cause.message);
    // GraphClientError pins its own prototype in its constructor; restore ours so instanceof works.
    Object.setPrototypeOf(this, new.target.prototype);
    this.cause = cause;
  }
}

/** The gate said "not now" (directly or through a MailboxGraph client): postpone to busy.retryAtMs, do not fail. */
export function mailboxBusyOf(err: unknown): MailboxBusyError | undefined {
  if (err instanceof MailboxBusyError) return err;
  if (err instanceof MailboxRequestError && err.cause instanceof MailboxBusyError) return err.cause;
  return undefined;
}

/** The connection is needs_reconnect / disconnected (directly or through a MailboxGraph client). */
export function connectionUnusableOf(err: unknown): ConnectionUnusableError | undefined {
  if (err instanceof ConnectionUnusableError) return err;
  if (err instanceof MailboxRequestError && err.cause instanceof ConnectionUnusableError) return err.cause;
  return undefined;
}
