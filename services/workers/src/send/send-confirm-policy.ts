// Pure decisions of the follow-up after a send was submitted: when to look in Sent Items again, when to give up, and
// which job (one per mailbox and time slot) carries the look.

export interface ConfirmPolicy {
  /** First look in Sent Items this long after the 202 (SEND_CONFIRM_AFTER_SEC); each later look waits twice as long. */
  firstCheckMs: number;
  /** Looks per send before the record says `not_seen` (SEND_CONFIRM_CHECKS). */
  maxChecks: number;
}

export const DEFAULT_CONFIRM_POLICY: ConfirmPolicy = { firstCheckMs: 10_000, maxChecks: 5 };

/**
 * When the next look for a send is due, after `checks` looks that did not find it: D, 3D, 7D, 15D, ... after the
 * submission (backed off), or null once `maxChecks` looks were made (give up: `not_seen`).
 */
export function nextCheckAt(sentAtMs: number, checks: number, p: ConfirmPolicy): number | null {
  if (checks >= p.maxChecks) return null;
  return sentAtMs + p.firstCheckMs * (2 ** (checks + 1) - 1);
}

/** Sends whose copies land within one slot share one job: job ids are per mailbox and slot, so BullMQ dedupes them. */
export const slotMs = (p: ConfirmPolicy): number => Math.max(1000, Math.round(p.firstCheckMs / 2));

/** The slot a look due at `dueMs` runs in: the end of its slot, never earlier than due. */
export function confirmSlot(dueMs: number, p: ConfirmPolicy): number {
  const slot = slotMs(p);
  return Math.ceil(dueMs / slot) * slot;
}

export const confirmJobId = (connectionId: string, slot: number): string => `send-confirm_${connectionId}_${slot}`;

export type ConfirmVerdict = { action: 'seen' } | { action: 'wait'; nextAtMs: number } | { action: 'give_up' };

/** After one look: found in Sent Items, look again later, or give up (the send stays sent; the record says not_seen). */
export function confirmVerdict(
  found: boolean,
  sentAtMs: number,
  checksBefore: number,
  p: ConfirmPolicy,
): ConfirmVerdict {
  if (found) return { action: 'seen' };
  const next = nextCheckAt(sentAtMs, checksBefore + 1, p);
  return next === null ? { action: 'give_up' } : { action: 'wait', nextAtMs: next };
}

/**
 * The follow-up is over for a send once the look after its last one would have been due (D × (2^(maxChecks+1) - 1)
 * after the submission): a look that comes later than that (the looks stopped on a reconnect, their runs were lost
 * with Redis) is not made; the record says `not_seen`, as it would after the last look.
 */
export const followUpEndsAt = (sentAtMs: number, p: ConfirmPolicy): number =>
  sentAtMs + p.firstCheckMs * (2 ** (p.maxChecks + 1) - 1);

export type FollowUpRepair =
  | { action: 'none' }
  | { action: 'give_up' }
  /** Put the send back in the mailbox's set (`dueMs`) when it is missing there, and book the mailbox's run at `atMs`. */
  | { action: 'book'; dueMs: number; atMs: number };

/**
 * The sweep's decision for a send the store says is `sent` and `pending`: `bookedAtMs` is its score in the mailbox's set
 * (null: not there, e.g. Redis was flushed). A look overdue by more than two slots has lost its run (a flush, looks
 * stopped on a connection that needed reconnecting, a run that failed for good): it is booked again. A connection that
 * cannot be used now is left alone (its recovery books the run), except that a send past the follow-up gives up.
 */
export function repairFollowUp(
  send: { sentAtMs: number; checks: number; bookedAtMs: number | null },
  connectionUsable: boolean,
  nowMs: number,
  p: ConfirmPolicy,
): FollowUpRepair {
  const due = nextCheckAt(send.sentAtMs, send.checks, p);
  if (due === null || nowMs > followUpEndsAt(send.sentAtMs, p)) return { action: 'give_up' };
  if (!connectionUsable) return { action: 'none' };
  if (send.bookedAtMs === null) return { action: 'book', dueMs: due, atMs: Math.max(due, nowMs) };
  if (send.bookedAtMs < nowMs - 2 * slotMs(p)) return { action: 'book', dueMs: send.bookedAtMs, atMs: nowMs };
  return { action: 'none' };
}
