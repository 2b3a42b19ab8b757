import type { Client } from '@microsoft/microsoft-graph-client';
import type { ConnectionDoc } from '@outlook-connect/shared';
import type { MicrosoftFailure } from '@outlook-connect/shared';

// The seams of the mailbox runtime. Tokens implement AccessTokens, connection-status ConnectionHealth, the gate
// MailboxGate and MailboxGraph; the workers' handlers and the gateway only consume them.

/** Why a connection cannot be used right now (its status reason); handlers stop, and never silently drop work. */
export class ConnectionUnusableError extends Error {
  override name = 'ConnectionUnusableError';
  constructor(
    readonly connectionId: string,
    readonly status: ConnectionDoc['status'],
    readonly reasonCode: string,
  ) {
    super(`connection ${connectionId} is ${status} (${reasonCode})`);
  }
}

/** The mailbox is at its concurrency limit, paused by Retry-After, or over a rate: try again at retryAtMs. */
export class MailboxBusyError extends Error {
  override name = 'MailboxBusyError';
  constructor(
    readonly connectionId: string,
    readonly retryAtMs: number,
    readonly why: 'concurrency' | 'paused' | 'send_rate' | 'daily_recipients',
  ) {
    super(`mailbox of ${connectionId} is busy (${why}) until ${new Date(retryAtMs).toISOString()}`);
  }
}

export interface AccessTokens {
  /**
   * A valid access token. Uses the stored one while it is valid for at least `minValidityMs`; otherwise waits for
   * (or triggers) the one refresh in flight across processes. Throws ConnectionUnusableError when the connection is
   * not active or the refresh says it needs reconnecting.
   */
  get(
    connectionId: string,
    opts?: {
      minValidityMs?: number;
      /**
       * A caller that accepts a view of the connection up to this old (a send's hot path: its status, scopes and
       * limits as this process read them at most that long ago) gets it without a store read, if that read was asked
       * for at or after `readAfter` (ms epoch). The token is checked against `minValidityMs` now either way. Absent:
       * read from the store.
       */
      maxAgeMs?: number;
      readAfter?: number;
    },
  ): Promise<{ accessToken: string; connection: ConnectionDoc }>;
  /** Graph rejected this token (401): refresh once (single flight) unless someone already did, and return the new one. */
  renew(connectionId: string, rejectedToken: string): Promise<{ accessToken: string; connection: ConnectionDoc }>;
}

export interface ConnectionHealth {
  /**
   * The one place a classified Microsoft failure changes a connection: reconnect_required -> needs_reconnect with
   * reason + remediation + `connection.needs_reconnect`; app_credentials -> the OAuth app is marked and every active
   * connection of it goes needs_reconnect; transient -> counters only. Idempotent.
   */
  reportFailure(connectionId: string, failure: MicrosoftFailure): Promise<void>;
}

export interface MailboxGate {
  /** Holds one of the mailbox's concurrency slots (global across processes) for fn; throws MailboxBusyError when none is free or the mailbox is paused. */
  withSlot<T>(connectionId: string, fn: () => Promise<T>): Promise<T>;
  /** Pauses every kind of work for the mailbox until untilMs (Retry-After from 429/503). */
  pause(connectionId: string, untilMs: number, reason: string): Promise<void>;
  pausedUntil(connectionId: string): Promise<number | null>;
  /** Reserves sending budget (per-minute sends and daily recipients); throws MailboxBusyError when over. */
  reserveSend(connectionId: string, recipients: number, limits: SendBudgetLimits): Promise<void>;
  /**
   * withSlot and reserveSend in one step, for the request that sends: checks the pause, takes a slot and reserves the
   * budget together (one Redis call), or takes nothing and throws MailboxBusyError (RecipientsOverDailyCapError for a
   * message over the cap on its own).
   */
  withSendSlot<T>(connectionId: string, recipients: number, limits: SendBudgetLimits, fn: () => Promise<T>): Promise<T>;
}

export type SendBudgetLimits = { sendsPerMinute: number; dailyRecipientCap: number };

/** A Graph client bound to one mailbox: tokens from AccessTokens, each request through MailboxGate, 429/503 pause the mailbox, no automatic re-POST. */
export type MailboxGraph = (connectionId: string, seed?: AccessTokenSeed) => Client;

/** A token the caller just got from AccessTokens.get: the client's first request uses it instead of reading it again. */
export type AccessTokenSeed = { accessToken: string; connection: ConnectionDoc };
