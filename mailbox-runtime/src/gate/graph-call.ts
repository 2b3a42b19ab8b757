import { GraphClientError, GraphError } from '@microsoft/microsoft-graph-client';
import { classifyMicrosoftError, MicrosoftHttpError, type MicrosoftFailure } from '@outlook-connect/shared';
import { connectionUnusableOf, mailboxBusyOf, ownErrorOf } from './errors';

/** A Microsoft error from a Graph call, classified once where the call was made; downstream reads `failure`. */
export class MicrosoftCallError extends Error {
  override readonly name = 'MicrosoftCallError';
  constructor(
    readonly failure: MicrosoftFailure,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** An answer (or a failure to get one) from Graph or the identity platform, as opposed to our own store or Redis. */
export const isMicrosoftError = (err: unknown): boolean =>
  err instanceof GraphError || err instanceof GraphClientError || err instanceof MicrosoftHttpError;

/**
 * Runs one Graph call of a mailbox's gated client. A Microsoft error comes out as MicrosoftCallError (classified here,
 * once); the gate's and the connection's errors (mailboxBusyOf / connectionUnusableOf) and our own come out as they are.
 */
export async function callGraph<T>(call: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (mailboxBusyOf(err) || connectionUnusableOf(err)) throw err;
    // Our own trouble inside the client (Redis, the store) comes out as it is: never classified as Microsoft's.
    const own = ownErrorOf(err);
    if (own) throw own.error;
    if (!isMicrosoftError(err)) throw err;
    throw new MicrosoftCallError(classifyMicrosoftError(err, { now: now() }), err);
  }
}

/** The classified failure of a Graph call (callGraph), or undefined for any other error. */
export const microsoftFailureOf = (err: unknown): MicrosoftFailure | undefined =>
  err instanceof MicrosoftCallError ? err.failure : undefined;
