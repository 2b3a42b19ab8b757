import {
  connectionUnusableOf,
  mailboxBusyOf,
  microsoftFailureOf,
  type MailboxRuntime,
} from '@outlook-connect/mailbox-runtime';
import { redisKeys } from '@outlook-connect/queues';
import type { SendDoc } from '@outlook-connect/shared';
import {
  confirmJobId,
  confirmSlot,
  confirmVerdict,
  followUpEndsAt,
  nextCheckAt,
  slotMs,
  type ConfirmPolicy,
} from './send-confirm-policy';
import { recordReplyKeys } from './reply-keys';
import { findInSentItems } from './send-graph';
import { emitConfirmed, markNotSeenYet, markSeenInSentItems } from './send-records';

// The bounded follow-up after Exchange's 202: one job per mailbox and time slot looks for that mailbox's submitted
// sends in Sent Items (one Graph lookup per send that is due, one at a time, so it holds at most one of the
// mailbox's slots and never crowds out sends), records the copy's ids and emits send.confirmed.

export type ConfirmDeps = Pick<MailboxRuntime, 'models' | 'queues' | 'graph' | 'now' | 'redis'>;

// Which sends wait for a look, and when, is a per-mailbox sorted set in Redis (sendId -> due ms): a run reads the due
// ones by score and the records by _id, never scanning the sends collection (FerretDB indexes only _id). The record
// stays the truth: a send whose record is no longer pending is dropped from the set.
const pendingKey = (deps: Pick<ConfirmDeps, 'queues'>, connectionId: string) =>
  redisKeys.sendConfirmations(deps.queues.prefix, connectionId);

/** Sends looked at per run; a run that hits it comes back in the next slot. */
const BATCH = 200;

/** Books the mailbox's run for `atMs` (runs of one slot share a job id, so sends submitted together cost one job). */
export async function scheduleConfirmRun(
  deps: Pick<ConfirmDeps, 'queues'>,
  connectionId: string,
  atMs: number,
  nowMs: number,
  p: ConfirmPolicy,
): Promise<void> {
  const slot = confirmSlot(atMs, p);
  await deps.queues.enqueue(
    'send-confirm',
    { connectionId },
    { jobId: confirmJobId(connectionId, slot), delay: Math.max(0, slot - nowMs) },
  );
}

/** A send waits for its look at `dueMs`, and the mailbox's run is booked for then. */
export async function confirmLater(
  deps: Pick<ConfirmDeps, 'queues' | 'redis'>,
  connectionId: string,
  sendId: string,
  dueMs: number,
  nowMs: number,
  p: ConfirmPolicy,
): Promise<void> {
  await waitForLook(deps, connectionId, sendId, dueMs);
  await scheduleConfirmRun(deps, connectionId, dueMs, nowMs, p);
}

/** The send waits in the mailbox's set for a look at `dueMs` (the caller books the run). */
export async function waitForLook(
  deps: Pick<ConfirmDeps, 'queues' | 'redis'>,
  connectionId: string,
  sendId: string,
  dueMs: number,
): Promise<void> {
  await deps.redis.zadd(pendingKey(deps, connectionId), dueMs, sendId);
}

/** When the send's look is booked in the mailbox's set (null: it is not there). */
export async function bookedLookAt(
  deps: Pick<ConfirmDeps, 'queues' | 'redis'>,
  connectionId: string,
  sendId: string,
): Promise<number | null> {
  const score = await deps.redis.zscore(pendingKey(deps, connectionId), sendId);
  return score === null ? null : Number(score);
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
  const key = pendingKey(deps, connectionId);
  const dueIds = await deps.redis.zrangebyscore(key, '-inf', now, 'LIMIT', 0, BATCH);
  const records = dueIds.length
    ? ((await deps.models.Send.find(
        { _id: { $in: dueIds } },
        {
          _id: 1,
          status: 1,
          marker: 1,
          sentAt: 1,
          sentItemsStatus: 1,
          sentItemsChecks: 1,
          internetMessageId: 1,
          conversationId: 1,
        },
      ).lean()) as Array<Pending & Pick<SendDoc, 'status' | 'sentItemsStatus'>>)
    : [];
  const byId = new Map(records.map((r) => [r._id, r]));
  const run: ConfirmRun = { seen: 0, waiting: 0, gaveUp: 0, nextAtMs: null };
  const client = deps.graph(connectionId);
  for (const id of dueIds) {
    const send = byId.get(id);
    if (!send || send.status !== 'sent' || send.sentItemsStatus !== 'pending') {
      await deps.redis.zrem(key, id);
      continue;
    }
    const sentAtMs = send.sentAt?.getTime() ?? now;
    // Past the follow-up (the looks stopped for a reconnect, or came back late): no late look, not_seen as after the last.
    const due = now > followUpEndsAt(sentAtMs, p) ? null : nextCheckAt(sentAtMs, send.sentItemsChecks, p);
    if (due !== null && due > now) {
      await deps.redis.zadd(key, due, id); // the set ran ahead of the record (a retried run): follow the record
      continue;
    }
    let copy = null;
    if (due !== null) {
      try {
        copy = await findInSentItems(client, send.marker);
      } catch (err) {
        const wait = lookAgainAfter(err, now, p);
        if (wait === undefined) throw err; // our own trouble (Redis, the store): the queue retries the run
        // What was recorded so far stays; the rest keeps its place in the set, and the next run is the one the failure
        // says (none when the connection cannot be used: its recovery, or the operation sweep, books it again).
        run.nextAtMs = wait;
        return run;
      }
    }
    const verdict =
      due === null ? ({ action: 'give_up' } as const) : confirmVerdict(!!copy, sentAtMs, send.sentItemsChecks, p);
    if (verdict.action === 'seen' && copy) {
      const seen = await markSeenInSentItems(deps, send, copy);
      if (seen) {
        // The copy's ids, when they are not the draft's (filed when the send was recorded sent).
        await recordReplyKeys(deps.models, {
          _id: seen._id,
          connectionId: seen.connectionId,
          internetMessageId: seen.internetMessageId !== send.internetMessageId ? seen.internetMessageId : null,
          conversationId: seen.conversationId !== send.conversationId ? seen.conversationId : null,
        });
        await emitConfirmed(deps, seen);
      }
      await deps.redis.zrem(key, id);
      run.seen += 1;
    } else if (verdict.action === 'wait') {
      await markNotSeenYet(deps, send._id, false);
      await deps.redis.zadd(key, verdict.nextAtMs, id);
      run.waiting += 1;
    } else {
      await markNotSeenYet(deps, send._id, true);
      await deps.redis.zrem(key, id);
      run.gaveUp += 1;
    }
  }
  const [, nextScore] = await deps.redis.zrange(key, '0', '0', 'WITHSCORES');
  if (nextScore !== undefined) run.nextAtMs = Math.max(Number(nextScore), now + 1);
  return run;
}
