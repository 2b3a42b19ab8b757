import { followUpEndsAt, nextCheckAt, slotMs, type ConfirmPolicy } from '../send/send-confirm-policy';

// Pure decisions of the operation sweep's schedules (README: the operation sweep): when a record filed on one needs
// the sweep's look. Null takes it off the schedule (finished, or gone).

/** An entry the sweep acted on (job checked, look booked) is looked at again this much later if it still needs it. */
export const OPERATION_RECHECK_MS = 60_000;

/** The first sweep on a store reads its schedules' buckets back this far (entries filed before it ever ran). */
export const FIRST_PASS_LOOKBACK_MS = 24 * 3600_000;

export interface OpenRecord {
  status: string;
  updatedAt: Date;
  sendAt?: Date | null;
}

/**
 * An open send or calendar operation needs its job checked once it has not changed for `graceMs` (a live job moves
 * it sooner), and a scheduled send `graceMs` before its send-at (so a lost delayed job is back before it is due).
 */
export function openLookAt(record: OpenRecord | undefined, open: readonly string[], graceMs: number): number | null {
  if (!record || !open.includes(record.status)) return null;
  const untouched = new Date(record.updatedAt).getTime() + graceMs;
  const sendAt = record.sendAt ? new Date(record.sendAt).getTime() - graceMs : Number.NEGATIVE_INFINITY;
  return Math.max(untouched, sendAt);
}

export interface FollowUpRecord {
  status: string;
  sentItemsStatus?: string | null;
  sentAt?: Date | null;
  updatedAt: Date;
  sentItemsChecks: number;
}

/**
 * A sent send whose copy is still to be seen needs the sweep once its next look is overdue by two slots (its run was
 * lost: `repairFollowUp` books it again), or at once when its follow-up is over (`not_seen`).
 */
export function followUpLookAt(send: FollowUpRecord | undefined, nowMs: number, p: ConfirmPolicy): number | null {
  if (!send || send.status !== 'sent' || send.sentItemsStatus !== 'pending') return null;
  const sentAtMs = new Date(send.sentAt ?? send.updatedAt).getTime();
  const look = nextCheckAt(sentAtMs, send.sentItemsChecks, p);
  if (look === null || nowMs > followUpEndsAt(sentAtMs, p)) return nowMs;
  return look + 2 * slotMs(p);
}
