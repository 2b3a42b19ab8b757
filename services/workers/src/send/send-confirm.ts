import {
  connectionUnusableOf,
  mailboxBusyOf,
  microsoftFailureOf,
  type MailboxRuntime,
} from '@outlook-connect/mailbox-runtime';
import type { QueueClient } from '@outlook-connect/queues';
import type { SendDoc } from '@outlook-connect/shared';
import {
  confirmJobId,
  confirmSlot,
  confirmVerdict,
  nextCheckAt,
  slotMs,
  type ConfirmPolicy,
} from './send-confirm-policy';
import { findInSentItems } from './send-graph';
import { emitConfirmed, markNotSeenYet, markSeenInSentItems } from './send-records';

// The bounded follow-up after Exchange's 202: one job per mailbox and time slot looks for that mailbox's submitted
// sends in Sent Items (one Graph lookup per send that is due, one at a time, so it holds at most one of the
// mailbox's slots and never crowds out sends), records the copy's ids and emits send.confirmed.

export type ConfirmDeps = Pick<MailboxRuntime, 'models' | 'queues' | 'graph' | 'now'>;

/** Sends looked at per run; a run that hits it comes back in the next slot. */
const BATCH = 200;

/** Queues the mailbox's look at `dueMs` (jobs of one slot share an id, so sends submitted together cost one job). */
export async function scheduleConfirm(
  queues: QueueClient,
  connectionId: string,
  dueMs: number,
  nowMs: number,
  p: ConfirmPolicy,
): Promise<void> {
  const slot = confirmSlot(dueMs, p);
  await queues.enqueue(
    'send-confirm',
    { connectionId },
    { jobId: confirmJobId(connectionId, slot), delay: slot - nowMs },
  );
}

export interface ConfirmRun {
  seen: number;
  waiting: number;
  gaveUp: number;
  nextAtMs: number | null;
}

type Pending = Pick<
  SendDoc,
  | '_id'
  | 'marker'
  | 'sentAt'
  | 'sentItemsChecks'
  | 'internetMessageId'
  | 'conversationId'
  | 'workspaceId'
  | 'connectionId'
>;

/**
 * A look that failed: when to try the mailbox again (the gate's time when it is busy or paused, Retry-After, else a
 * slot later), null when the connection cannot be used (the looks stop; its sends stay pending), undefined when it is
 * not about the mailbox at all.
 */
function lookAgainAfter(err: unknown, now: number, p: ConfirmPolicy): number | null | undefined {
  const busy = mailboxBusyOf(err);
  if (busy) return busy.retryAtMs;
  if (connectionUnusableOf(err)) return null;
  const failure = microsoftFailureOf(err);
  if (!failure) return undefined;
  if (failure.kind === 'reconnect_required' || failure.kind === 'app_credentials') return null;
  return now + Math.max(failure.retryAfterMs ?? 0, slotMs(p));
}

export async function confirmSends(deps: ConfirmDeps, connectionId: string, p: ConfirmPolicy): Promise<ConfirmRun> {
  const now = deps.now();
  const pending = (await deps.models.Send.find(
    { connectionId, status: 'sent', sentItemsStatus: 'pending' },
    {
      _id: 1,
      marker: 1,
      sentAt: 1,
      sentItemsChecks: 1,
      internetMessageId: 1,
      conversationId: 1,
      workspaceId: 1,
      connectionId: 1,
    },
  )
    .limit(BATCH)
    .lean()) as Pending[];
  const run: ConfirmRun = { seen: 0, waiting: 0, gaveUp: 0, nextAtMs: null };
  const later = (at: number) => (run.nextAtMs = run.nextAtMs === null ? at : Math.min(run.nextAtMs, at));
  const client = deps.graph(connectionId);
  for (const send of pending) {
    const sentAtMs = send.sentAt?.getTime() ?? now;
    const due = nextCheckAt(sentAtMs, send.sentItemsChecks, p);
    if (due !== null && due > now) {
      run.waiting += 1;
      later(due);
      continue;
    }
    let copy = null;
    if (due !== null) {
      try {
        copy = await findInSentItems(client, send.marker);
      } catch (err) {
        const wait = lookAgainAfter(err, now, p);
        if (wait === undefined) throw err; // our own trouble (Redis, the store): the queue retries the run
        if (wait !== null) later(wait);
        break; // what was recorded so far stays; the rest waits for the next run
      }
    }
    const verdict =
      due === null ? ({ action: 'give_up' } as const) : confirmVerdict(!!copy, sentAtMs, send.sentItemsChecks, p);
    if (verdict.action === 'seen' && copy) {
      const seen = await markSeenInSentItems(deps, send, copy);
      if (seen) await emitConfirmed(deps, seen);
      run.seen += 1;
    } else if (verdict.action === 'wait') {
      await markNotSeenYet(deps, send._id, false);
      run.waiting += 1;
      later(verdict.nextAtMs);
    } else {
      await markNotSeenYet(deps, send._id, true);
      run.gaveUp += 1;
    }
  }
  if (pending.length === BATCH) later(now + 1);
  return run;
}
