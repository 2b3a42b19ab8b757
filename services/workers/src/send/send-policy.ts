import {
  canSend,
  normalizeScope,
  parseEnv,
  wholeSeconds,
  type MicrosoftFailure,
  type SentItemsStatus,
} from '@outlook-connect/shared';
import { z } from 'zod';
import { DEFAULT_CONFIRM_POLICY, type ConfirmPolicy } from './send-confirm-policy';

// Pure decisions of the send pipeline: how a connection can send, what the next step is after a marker lookup, and
// whether a failed request certainly did not send (postpone / retry / fail is operations/outcome.ts, shared).

/** draft: create a marked draft, record its id, send it (Mail.ReadWrite + Mail.Send); send_mail: one sendMail call (Mail.Send only). */
export type SendMode = 'draft' | 'send_mail' | 'none';

export function sendModeFor(grantedScopes: readonly string[]): SendMode {
  if (!canSend(grantedScopes)) return 'none';
  return grantedScopes.some((s) => normalizeScope(s) === 'mail.readwrite') ? 'draft' : 'send_mail';
}

export interface SentIds {
  sentMessageId: string | null;
  internetMessageId: string | null;
  conversationId: string | null;
}

export interface MarkerFindings {
  sent: SentIds | null;
  draftIds: string[];
  drafts: MarkedMessage[];
}

/** What a successful attempt records: the ids known so far, and whether the copy is in Sent Items yet. */
export type SentRecord = SentIds & { sentItemsStatus: SentItemsStatus | null };

export interface MarkedMessage {
  id: string;
  isDraft?: boolean;
  internetMessageId?: string | null;
  conversationId?: string | null;
}

/** What the marker lookup found: a sent copy (Sent Items, Outbox) wins over any draft. */
export function readFindings(messages: readonly MarkedMessage[]): MarkerFindings {
  const sent = messages.find((m) => m.isDraft === false);
  return {
    sent: sent
      ? {
          sentMessageId: sent.id,
          internetMessageId: sent.internetMessageId ?? null,
          conversationId: sent.conversationId ?? null,
        }
      : null,
    draftIds: messages.filter((m) => m.isDraft !== false).map((m) => m.id),
    drafts: messages.filter((m) => m.isDraft !== false),
  };
}

export type DraftStep =
  | { step: 'done'; sent: SentIds }
  | { step: 'in_transit'; lookAgainAtMs: number }
  | { step: 'send'; draftId: string; resubmit?: true }
  | { step: 'create_draft'; resubmit?: true };

/** An earlier attempt claimed the submission and never learnt that Graph refused it. */
export interface EarlierSubmission {
  submittedAtMs: number;
  nowMs: number;
  /** Longest Exchange may keep a submitted draft in Drafts before Sent Items (SEND_TRANSIT_MAX_SEC). */
  transitMaxMs: number;
  /** How soon to look again while it may be in transit. */
  recheckMs: number;
}

/**
 * Draft mode. `findings` is null when no lookup was needed (the send's first attempt: nothing can exist yet).
 * After a lookup the recorded draft id is trusted only if the draft is still there. After an earlier submission the
 * draft found may be in transit (Exchange leaves it in Drafts, unchanged, until it moves it to Sent Items; a second
 * /send could send it twice): wait for the copy, up to `transitMaxMs`; a draft still there after that never went out
 * (the request was lost before Exchange read it), so it is submitted again (`resubmit`).
 */
export function nextDraftStep(
  recordedDraftId: string | null,
  findings: MarkerFindings | null,
  earlier: EarlierSubmission | null = null,
): DraftStep {
  if (findings?.sent) return { step: 'done', sent: findings.sent };
  if (earlier) {
    const giveUpAt = earlier.submittedAtMs + earlier.transitMaxMs;
    if (earlier.nowMs < giveUpAt)
      return { step: 'in_transit', lookAgainAtMs: Math.min(giveUpAt, earlier.nowMs + earlier.recheckMs) };
    const next = nextDraftStep(recordedDraftId, findings ?? { sent: null, draftIds: [], drafts: [] });
    return next.step === 'send' || next.step === 'create_draft' ? { ...next, resubmit: true } : next;
  }
  if (!findings) return recordedDraftId ? { step: 'send', draftId: recordedDraftId } : { step: 'create_draft' };
  if (recordedDraftId && findings.draftIds.includes(recordedDraftId)) return { step: 'send', draftId: recordedDraftId };
  const [first] = findings.draftIds;
  return first ? { step: 'send', draftId: first } : { step: 'create_draft' };
}

/** A failed answer to a request that may send, after which the message certainly did not go out. */
export function certainlyNotSent(failure: Pick<MicrosoftFailure, 'status'>): boolean {
  const status = failure.status;
  if (status === undefined) return false; // no answer (timeout, reset): it may have gone out
  return status === 429 || (status >= 400 && status < 500 && status !== 408);
}

export interface SendPolicy {
  /** How long a send waits past its due time for its connection to be reconnected (SEND_WAIT_FOR_RECONNECT_SEC). */
  waitForReconnectMs: number;
  /** How often a waiting send looks at its connection again. */
  reconnectCheckMs: number;
  /** The bounded follow-up that looks for the sent copy in Sent Items (send-confirm). */
  confirm: ConfirmPolicy;
  /** A retry waits this long for a submitted draft to reach Sent Items before it takes it as never sent (SEND_TRANSIT_MAX_SEC). */
  transitMaxMs: number;
}

const DEFAULT_SEND_POLICY_TRANSIT_SEC = 600;

export const DEFAULT_SEND_POLICY: SendPolicy = {
  waitForReconnectMs: 24 * 3600_000,
  reconnectCheckMs: 60_000,
  confirm: DEFAULT_CONFIRM_POLICY,
  transitMaxMs: DEFAULT_SEND_POLICY_TRANSIT_SEC * 1000,
};

/** Env fragment of the send pipeline (composed into workersEnv, parsed once at start). */
export const sendEnv = {
  SEND_WAIT_FOR_RECONNECT_SEC: wholeSeconds(
    DEFAULT_SEND_POLICY.waitForReconnectMs,
    'how long a send waits past its due time for its connection to be reconnected',
  ),
  SEND_TRANSIT_MAX_SEC: z.coerce
    .number()
    .int()
    .min(5)
    .default(DEFAULT_SEND_POLICY_TRANSIT_SEC)
    .describe(
      'how long a retry waits for a submitted draft to reach Sent Items before it sends it again as never sent (whole seconds >= 5)',
    ),
  SEND_CONFIRM_AFTER_SEC: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_CONFIRM_POLICY.firstCheckMs / 1000)
    .describe('when the first look for a sent copy in Sent Items happens after the submission (whole seconds >= 1)'),
  SEND_CONFIRM_CHECKS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(DEFAULT_CONFIRM_POLICY.maxChecks)
    .describe('looks in Sent Items per send, each twice as far apart, before the record says not_seen (1-10)'),
};

export function sendPolicyFromConfig(e: z.infer<z.ZodObject<typeof sendEnv>>): SendPolicy {
  return {
    ...DEFAULT_SEND_POLICY,
    waitForReconnectMs: e.SEND_WAIT_FOR_RECONNECT_SEC * 1000,
    confirm: { firstCheckMs: e.SEND_CONFIRM_AFTER_SEC * 1000, maxChecks: e.SEND_CONFIRM_CHECKS },
    transitMaxMs: e.SEND_TRANSIT_MAX_SEC * 1000,
  };
}

/** Throws ConfigError naming SEND_WAIT_FOR_RECONNECT_SEC when it is wrong. */
export function sendPolicyFromEnv(env: NodeJS.ProcessEnv): SendPolicy {
  return sendPolicyFromConfig(parseEnv('workers (send)', sendEnv, env));
}
