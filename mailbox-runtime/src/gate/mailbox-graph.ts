import { Client } from '@microsoft/microsoft-graph-client';
import { ImmutableIdHandler, splitGraphUrl, type Logger } from '@outlook-connect/shared';
import type { AccessTokens, MailboxGate, MailboxGraph } from '../contracts';
import { MailboxAuthMiddleware, MailboxGateMiddleware, TimedFetchHandler } from './graph-middleware';

export interface MailboxGraphOptions {
  gate: MailboxGate;
  tokens: AccessTokens;
  /** MICROSOFT_GRAPH_URL, e.g. https://graph.microsoft.com/v1.0 (or the emulator's). */
  graphUrl: string;
  now?: () => number;
  logger?: Logger;
  /** Per request; a timed-out request may still have run (callers of non-idempotent calls must look up). */
  requestTimeoutMs?: number;
  defaultPauseMs?: number;
}

/**
 * A Graph client per mailbox: tokens from AccessTokens, every request through the gate and asking for immutable ids
 * (Outlook ids otherwise change on a move), no automatic retries.
 * (shared's createGraphClient has no place for the gate or the 401 renewal, hence this chain.) Errors: GraphError,
 * GraphTransportError, GraphAccessTokenError (classifyMicrosoftError), MailboxRequestError (mailboxBusyOf /
 * connectionUnusableOf: check these first).
 */
export function createMailboxGraph(opts: MailboxGraphOptions): MailboxGraph {
  const { baseUrl, version, host } = splitGraphUrl(opts.graphUrl);
  const now = opts.now ?? Date.now;
  return (connectionId, seed) => {
    const auth = new MailboxAuthMiddleware(connectionId, opts.tokens, host, seed);
    const gate = new MailboxGateMiddleware({
      connectionId,
      gate: opts.gate,
      now,
      defaultPauseMs: opts.defaultPauseMs ?? 5_000,
      onPause: (info) => opts.logger?.info(info, 'mailbox paused by Graph throttling'),
    });
    return Client.initWithMiddleware({
      baseUrl,
      defaultVersion: version,
      middleware: [auth, gate, new ImmutableIdHandler(), new TimedFetchHandler(opts.requestTimeoutMs ?? 30_000)],
    });
  };
}
