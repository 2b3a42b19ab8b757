import { canSend, normalizeScope, parseEnv, wholeSeconds, type MicrosoftFailure } from '@outlook-connect/shared';
import type { z } from 'zod';

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
}

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
  };
}

export type DraftStep = { step: 'done'; sent: SentIds } | { step: 'send'; draftId: string } | { step: 'create_draft' };

/**
 * Draft mode. `findings` is null when no lookup was needed (the send's first attempt: nothing can exist yet).
 * After a lookup the recorded draft id is trusted only if the draft is still there.
 */
export function nextDraftStep(recordedDraftId: string | null, findings: MarkerFindings | null): DraftStep {
  if (!findings) return recordedDraftId ? { step: 'send', draftId: recordedDraftId } : { step: 'create_draft' };
  if (findings.sent) return { step: 'done', sent: findings.sent };
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
}

export const DEFAULT_SEND_POLICY: SendPolicy = { waitForReconnectMs: 24 * 3600_000, reconnectCheckMs: 60_000 };

/** Env fragment of the send pipeline (composed into workersEnv, parsed once at start). */
export const sendEnv = {
  SEND_WAIT_FOR_RECONNECT_SEC: wholeSeconds(
    DEFAULT_SEND_POLICY.waitForReconnectMs,
    'how long a send waits past its due time for its connection to be reconnected',
  ),
};

export function sendPolicyFromConfig(e: z.infer<z.ZodObject<typeof sendEnv>>): SendPolicy {
  return { ...DEFAULT_SEND_POLICY, waitForReconnectMs: e.SEND_WAIT_FOR_RECONNECT_SEC * 1000 };
}

/** Throws ConfigError naming SEND_WAIT_FOR_RECONNECT_SEC when it is wrong. */
export function sendPolicyFromEnv(env: NodeJS.ProcessEnv): SendPolicy {
  return sendPolicyFromConfig(parseEnv('workers (send)', sendEnv, env));
}
