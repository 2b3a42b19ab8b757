import { parseEnv } from '@outlook-connect/shared';
import { z } from 'zod';

// The inbox sync's knobs, parsed once from the environment (each service composes its own schema).

const positiveInt = (def: number, what: string) => z.coerce.number().int().positive().default(def).describe(what);

export const inboxEnv = {
  INBOX_MIRROR_DAYS: z
    .union([z.literal('all'), z.coerce.number().int().positive()])
    .default('all')
    .transform((v) => (v === 'all' ? null : v))
    .describe(
      "what the inbox view mirrors: 'all' messages of the Inbox, or a positive number N = messages received in the last N days",
    ),
  INBOX_POLL_INTERVAL_SEC: positiveInt(60, 'seconds between two syncs of one mailbox (a positive integer)'),
  INBOX_POLL_JITTER: z.coerce
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe('a fraction 0..0.5 of the interval added or removed at random'),
  INBOX_PAGE_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(500)
    .describe('messages per delta page (Prefer: odata.maxpagesize, 1..1000)'),
  INBOX_MAX_PAGES_PER_RUN: positiveInt(
    50,
    'delta pages one run pulls before yielding to other mailboxes (a positive integer)',
  ),
  INBOX_STALE_AFTER_INTERVALS: positiveInt(
    3,
    'poll intervals without a successful sync before a connection is flagged stale',
  ),
  INBOX_MAX_BACKOFF_SEC: positiveInt(3600, 'the longest wait between two failed syncs, in seconds'),
  INBOX_SWEEP_EVERY_SEC: positiveInt(
    30,
    'seconds between two sync sweeps, which hand out the syncs due within the next interval from the store (a positive integer)',
  ),
  INBOX_READ_HEADERS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('true or false: also $select internetMessageHeaders (In-Reply-To, References)'),
};

export interface InboxPolicy {
  /**
   * The mirror window: null = every Inbox message; N = messages received in the last N days are added (older ones
   * already stored stay until Outlook removes them). Applied to what is stored, never to the delta request.
   */
  mirrorDays: number | null;
  pollIntervalMs: number;
  /** Fraction of the interval; the next poll lands uniformly in interval * (1 +/- jitter). */
  jitter: number;
  /**
   * Prefer: odata.maxpagesize (a preference: Graph may send fewer, the pass follows nextLink either way). Each page
   * costs a Graph request, a pageLink write and an insertMany on a store that serializes writes, so the default asks
   * for 500 (INBOX_PAGE_SIZE allows up to 1000), not the 10 Graph sends unasked. Graph documents no maximum for
   * message delta.
   */
  pageSize: number;
  maxPagesPerRun: number;
  staleAfterIntervals: number;
  maxBackoffMs: number;
  sweepEveryMs: number;
  readHeaders: boolean;
}

export const DEFAULT_INBOX_POLICY: InboxPolicy = {
  mirrorDays: null,
  pollIntervalMs: 60_000,
  jitter: 0.1,
  pageSize: 500,
  maxPagesPerRun: 50,
  staleAfterIntervals: 3,
  maxBackoffMs: 3_600_000,
  sweepEveryMs: 30_000,
  readHeaders: true,
};

/** Throws ConfigError naming every bad INBOX_* variable. */
export function inboxPolicyFromEnv(env: NodeJS.ProcessEnv): InboxPolicy {
  return inboxPolicyFromConfig(parseEnv('workers (inbox sync)', inboxEnv, env));
}

/** The policy from the already parsed INBOX_* settings (clients.ts, once at start). */
export function inboxPolicyFromConfig(e: z.infer<z.ZodObject<typeof inboxEnv>>): InboxPolicy {
  return {
    mirrorDays: e.INBOX_MIRROR_DAYS,
    pollIntervalMs: e.INBOX_POLL_INTERVAL_SEC * 1000,
    jitter: e.INBOX_POLL_JITTER,
    pageSize: e.INBOX_PAGE_SIZE,
    maxPagesPerRun: e.INBOX_MAX_PAGES_PER_RUN,
    staleAfterIntervals: e.INBOX_STALE_AFTER_INTERVALS,
    maxBackoffMs: e.INBOX_MAX_BACKOFF_SEC * 1000,
    sweepEveryMs: e.INBOX_SWEEP_EVERY_SEC * 1000,
    readHeaders: e.INBOX_READ_HEADERS,
  };
}
