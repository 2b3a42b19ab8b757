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

/**
 * An error of our own raised inside a mailbox's Graph client (the gate's Redis, the token store): carried out untouched
 * so it is never mistaken for Microsoft's answer (GraphRequest would flatten it into a GraphError with status -1).
 */
export class OwnRequestError extends GraphClientError {
  override readonly name = 'OwnRequestError';
  override readonly cause: unknown;

  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    Object.setPrototypeOf(this, new.target.prototype);
    this.cause = cause;
  }
}

/** The error of ours a Graph client carried out (OwnRequestError), unwrapped; undefined for any other error. */
export function ownErrorOf(err: unknown): { error: unknown } | undefined {
  return err instanceof OwnRequestError ? { error: err.cause } : undefined;
}
