import { emitEvent, eventId, removeAttachmentsOfSend } from '@outlook-connect/queues';
import {
  fileOnSchedule,
  isAttachmentRef,
  SEND_CONFIRM_SCHEDULE,
  type ActivityType,
  type Models,
  type SendDoc,
} from '@outlook-connect/shared';
import type { WorkerDeps } from '../worker-deps';
import { writeActivityLine, writeActivityLineLater, type ActivityLine } from '@outlook-connect/mailbox-runtime';
import { recordReplyKeys } from './reply-keys';
import type { SentRecord } from './send-policy';
import { sendWriteLane } from './write-lane';

// Every write to a Send record is a compare-and-set on its status (or draft id), so two processes holding the same
// job (a stalled lock) cannot both move it, and a cancel never crosses a send.

type Deps = Pick<WorkerDeps, 'models' | 'queues' | 'now'>;
export type SendError = { kind: string; code: string; message: string };

const OPEN = ['queued', 'scheduled', 'sending'] as const;

/** Every write to a Send record goes through the process's lane for its store (write-lane.ts). */
const inLane = <T>(deps: { models: object }, write: () => PromiseLike<T>): Promise<T> =>
  sendWriteLane(deps.models).run(async () => write());

/** A line on the connection's timeline, grouped with other lines written at the same time (written when it resolves). */
export async function activity(
  deps: Deps,
  send: SendDoc,
  type: ActivityType,
  detail: Record<string, unknown>,
  stableId?: string,
): Promise<void> {
  const line: ActivityLine = {
    ...(stableId ? { _id: stableId } : {}),
    workspaceId: send.workspaceId,
    connectionId: send.connectionId,
    type,
    at: new Date(deps.now()),
    detail: { sendId: send._id, ...detail },
  };
  await writeActivityLine(deps.models, line);
}

/**
 * Takes the send for this attempt (queued|scheduled|sending -> sending, attempts + 1); null when it is no longer open.
 * sendMail mode claims the one submission in the same write (`submittedAt` null -> now): null then also when an earlier
 * attempt already submitted (see `submittedEarlier`). One compare-and-set instead of two.
 */
export async function beginAttempt(
  deps: Deps,
  sendId: string,
  opts: { claimSubmission?: boolean } = {},
): Promise<SendDoc | null> {
  const claim = opts.claimSubmission === true;
  return inLane(deps, () =>
    deps.models.Send.findOneAndUpdate(
      claim ? { _id: sendId, status: { $in: OPEN }, submittedAt: null } : { _id: sendId, status: { $in: OPEN } },
      {
        $set: claim ? { status: 'sending', submittedAt: new Date(deps.now()) } : { status: 'sending' },
        $inc: { attempts: 1 },
      },
      { returnDocument: 'after' },
    ).lean<SendDoc>(),
  );
}

/**
 * The claim as the first store round trip of a send, before its record was read: beginAttempt, and also only when the
 * send is due (a scheduled send taken early stays as it is). Returns the record as it is after the write (null when
 * nothing matched: missing, finished, not due, or already submitted), and what it was before, for `releaseClaim`.
 */
export async function claimAttempt(
  deps: Deps,
  sendId: string,
  opts: { claimSubmission: boolean },
): Promise<{ before: SendDoc; after: SendDoc } | null> {
  const at = new Date(deps.now());
  const due = { $or: [{ sendAt: null }, { sendAt: { $lte: at } }] };
  const before = await inLane(deps, () =>
    deps.models.Send.findOneAndUpdate(
      opts.claimSubmission
        ? { _id: sendId, status: { $in: OPEN }, submittedAt: null, ...due }
        : { _id: sendId, status: { $in: OPEN }, ...due },
      {
        $set: opts.claimSubmission ? { status: 'sending', submittedAt: at } : { status: 'sending' },
        $inc: { attempts: 1 },
      },
      { returnDocument: 'before' },
    ).lean<SendDoc>(),
  );
  if (!before) return null;
  const after: SendDoc = {
    ...before,
    status: 'sending',
    attempts: before.attempts + 1,
    ...(opts.claimSubmission ? { submittedAt: at } : {}),
  };
  return { before, after };
}

/** Undoes a `claimAttempt` that turned out early (the connection was not ready): the record is as it was before. */
export async function releaseClaim(deps: Deps, before: SendDoc): Promise<void> {
  await inLane(deps, () =>
    deps.models.Send.updateOne(
      { _id: before._id, status: 'sending', attempts: before.attempts + 1 },
      { $set: { status: before.status, attempts: before.attempts, submittedAt: before.submittedAt ?? null } },
    ),
  );
}

/** After a claiming beginAttempt returned null: true when the send is still open but an earlier attempt submitted it. */
export async function submittedEarlier(deps: Deps, sendId: string): Promise<boolean> {
  const current = await deps.models.Send.findById(sendId).lean<SendDoc>();
  return current !== null && (OPEN as readonly string[]).includes(current.status) && current.submittedAt != null;
}

/** Back to queued while nothing irreversible happened, so a postponed send can still be canceled. */
export async function backToQueued(deps: Deps, sendId: string, error: SendError | null = null): Promise<void> {
  await inLane(deps, () =>
    deps.models.Send.updateOne({ _id: sendId, status: 'sending' }, { $set: { status: 'queued', error } }),
  );
}

/** A waiting send shows why it waits (status unchanged). */
export async function noteWaiting(deps: Deps, sendId: string, error: SendError): Promise<void> {
  await inLane(deps, () => deps.models.Send.updateOne({ _id: sendId, status: { $in: OPEN } }, { $set: { error } }));
}

export type SubmissionClaim = { claimed: true } | { claimed: false; current: SendDoc | null };

/**
 * Draft mode, just before /send: records the draft (and the ids Graph gave it at creation) and claims the one
 * submission in one compare-and-set. Lost when another attempt claimed first (it may have submitted: the caller must
 * not send) or recorded another draft.
 */
export async function claimDraftSubmission(
  deps: Deps,
  sendId: string,
  draft: { id: string; internetMessageId: string | null; conversationId: string | null },
): Promise<SubmissionClaim> {
  const won = await inLane(deps, () =>
    deps.models.Send.findOneAndUpdate(
      { _id: sendId, status: 'sending', submittedAt: null, draftId: { $in: [null, draft.id] } },
      {
        $set: {
          draftId: draft.id,
          submittedAt: new Date(deps.now()),
          internetMessageId: draft.internetMessageId,
          conversationId: draft.conversationId,
        },
      },
      { returnDocument: 'after' },
    ).lean<SendDoc>(),
  );
  if (won) return { claimed: true };
  return { claimed: false, current: await deps.models.Send.findById(sendId).lean<SendDoc>() };
}

/** Graph certainly refused the submission: a later attempt may submit again. */
export async function releaseSubmission(deps: Deps, sendId: string): Promise<void> {
  await inLane(deps, () =>
    deps.models.Send.updateOne({ _id: sendId, status: 'sending' }, { $set: { submittedAt: null } }),
  );
}

/** The send's uploaded files leave the store once it is finished; a send naming none has none (claimAttachments). */
async function removeUploadedFiles(deps: Deps, send: SendDoc): Promise<void> {
  if ((send.message.attachments ?? []).some(isAttachmentRef)) await removeAttachmentsOfSend(deps.models, send._id);
}

const eventData = (send: SendDoc, status: 'sent' | 'failed') => ({
  sendId: send._id,
  idempotencyKey: send.idempotencyKey,
  source: send.source,
  status,
  attempts: send.attempts,
  sentAt: send.sentAt?.toISOString() ?? null,
  sentMessageId: send.sentMessageId,
  internetMessageId: send.internetMessageId,
  conversationId: send.conversationId,
  sentItems: send.status === 'sent' ? (send.sentItemsStatus ?? null) : null,
  error: send.error,
  metadata: send.metadata,
});

/** The final event of a send (stable id: emitting it again after a crash delivers it once). */
export async function emitOutcome(deps: Deps, send: SendDoc): Promise<void> {
  const subject = { workspaceId: send.workspaceId, connectionId: send.connectionId };
  const occurredAt = send.sentAt ?? send.failedAt ?? send.canceledAt ?? new Date(deps.now());
  if (send.status === 'sent' || send.status === 'failed') {
    const type = send.status === 'sent' ? 'send.sent' : 'send.failed';
    await emitEvent(deps.queues, type, subject, eventData(send, send.status), {
      id: eventId(type, send._id),
      occurredAt,
    });
  } else if (send.status === 'canceled') {
    const data = {
      sendId: send._id,
      idempotencyKey: send.idempotencyKey,
      source: send.source,
      metadata: send.metadata,
    };
    await emitEvent(deps.queues, 'send.canceled', subject, data, {
      id: eventId('send.canceled', send._id),
      occurredAt,
    });
  }
}

/** The send's `sent` line has a stable id: markSent run again (a retry through an outage) stores it once. */
export const sentLineId = (sendId: string) => `act_sent_${sendId}`;

/**
 * The outcome of a send that went out, in one store round trip: the compare-and-set to `sent` and (copy still to be
 * seen) its follow-up's schedule entry, group-committed, together. Its timeline line is held and written with the other
 * lines of the next ACTIVITY_LINGER_MS in one insert (writeActivityLineLater, like a refresh's): the record is what
 * says the send went out, the line is the operators' view of it, and on FerretDB every write is serialized, so a line
 * inserted per send held up the next sends' records and claims. The line is true whatever the write finds (Graph took
 * the message), and its stable id keeps a retry from adding a second one. Then the event (Redis).
 */
export async function markSent(
  deps: Deps & Pick<WorkerDeps, 'logger'>,
  send: SendDoc,
  ids: SentRecord,
): Promise<SendDoc | null> {
  const sendId = send._id;
  const now = new Date(deps.now());
  const seenAt = ids.sentItemsStatus === 'seen' ? now : null;
  writeActivityLineLater(deps, {
    _id: sentLineId(sendId),
    workspaceId: send.workspaceId,
    connectionId: send.connectionId,
    type: 'sent',
    at: now,
    detail: { sendId, recipients: recipientCount(send) },
  });
  const [sent] = await Promise.all([
    inLane(deps, () =>
      deps.models.Send.findOneAndUpdate(
        { _id: sendId, status: { $in: OPEN } },
        { $set: { status: 'sent', sentAt: now, error: null, ...ids, sentItemsSeenAt: seenAt } },
        { returnDocument: 'after' },
      ).lean<SendDoc>(),
    ),
    // The reply keys of its ids (a grouped upsert; none for sendMail, which has none): a hint, true or not whatever
    // the write finds, and filed again by a retry.
    recordReplyKeys(deps.models, { _id: sendId, connectionId: send.connectionId, ...ids }),
    // A copy still to be seen in Sent Items: the operation sweep's entry for its follow-up (grouped, like the line).
    ids.sentItemsStatus === 'pending' ? fileFollowUp(deps, { _id: sendId, sentAt: now }) : undefined,
  ]);
  if (!sent) {
    // A retry after this very write went through (the event failed): the event must still go out.
    const current = await deps.models.Send.findById(sendId).lean<SendDoc>();
    if (current?.status === 'sent') {
      await emitOutcome(deps, current);
      await removeUploadedFiles(deps, current);
    }
    return null;
  }
  // The files are on the sent message now: their copies in our store go (the sweep retries a crash here).
  await removeUploadedFiles(deps, sent);
  await emitOutcome(deps, sent);
  return sent;
}

/**
 * Files a sent send whose copy is still to be seen on the `send-confirm` schedule (the operation sweep's entry for its
 * follow-up), at its `sentAt`. With markSent's compare-and-set, and again by the next run of its job when that finds
 * the record `sent` and `pending` (the filing failed, or the process died, after the compare-and-set went through):
 * filing twice is one entry.
 */
export async function fileFollowUp(deps: Deps, send: Pick<SendDoc, '_id' | 'sentAt'>): Promise<void> {
  const nowMs = deps.now();
  await fileOnSchedule(deps.models, SEND_CONFIRM_SCHEDULE, send._id, send.sentAt?.getTime() ?? nowMs, nowMs);
}

const recipientCount = (send: SendDoc) =>
  send.message.to.length + (send.message.cc?.length ?? 0) + (send.message.bcc?.length ?? 0);

export async function markFailed(deps: Deps, sendId: string, error: SendError): Promise<SendDoc | null> {
  const failed = await inLane(deps, () =>
    deps.models.Send.findOneAndUpdate(
      { _id: sendId, status: { $in: OPEN } },
      { $set: { status: 'failed', failedAt: new Date(deps.now()), error } },
      { returnDocument: 'after' },
    ).lean<SendDoc>(),
  );
  if (!failed) return null;
  await removeUploadedFiles(deps, failed);
  await activity(deps, failed, 'send_failed', { code: error.code, kind: error.kind });
  await emitOutcome(deps, failed);
  return failed;
}

type SentItemsCopy = { id: string; internetMessageId?: string | null; conversationId?: string | null };

/** The copy is in Sent Items: its ids replace what the draft had (null kept as what we knew). Null if not pending. */
export async function markSeenInSentItems(
  deps: Deps,
  send: Pick<SendDoc, '_id' | 'internetMessageId' | 'conversationId'>,
  copy: SentItemsCopy,
): Promise<SendDoc | null> {
  return inLane(deps, () =>
    deps.models.Send.findOneAndUpdate(
      { _id: send._id, status: 'sent', sentItemsStatus: 'pending' },
      {
        $set: {
          sentItemsStatus: 'seen',
          sentItemsSeenAt: new Date(deps.now()),
          sentMessageId: copy.id,
          internetMessageId: copy.internetMessageId ?? send.internetMessageId,
          conversationId: copy.conversationId ?? send.conversationId,
        },
        $inc: { sentItemsChecks: 1 },
      },
      { returnDocument: 'after' },
    ).lean<SendDoc>(),
  );
}

/** One more look found nothing; `giveUp`: the bound is reached and the record says so (the send stays sent). */
export async function markNotSeenYet(
  deps: { models: Pick<Models, 'Send'> },
  sendId: string,
  giveUp: boolean,
): Promise<void> {
  await inLane(deps, () =>
    deps.models.Send.updateOne(
      { _id: sendId, status: 'sent', sentItemsStatus: 'pending' },
      { $inc: { sentItemsChecks: 1 }, ...(giveUp ? { $set: { sentItemsStatus: 'not_seen' } } : {}) },
    ),
  );
}

/** `send.confirmed` (stable id: a retried run delivers it once). */
export async function emitConfirmed(deps: Deps, send: SendDoc): Promise<void> {
  const seenAt = send.sentItemsSeenAt ?? new Date(deps.now());
  await emitEvent(
    deps.queues,
    'send.confirmed',
    { workspaceId: send.workspaceId, connectionId: send.connectionId },
    {
      sendId: send._id,
      idempotencyKey: send.idempotencyKey,
      source: send.source,
      sentAt: send.sentAt?.toISOString() ?? null,
      seenInSentItemsAt: seenAt.toISOString(),
      sentMessageId: send.sentMessageId,
      internetMessageId: send.internetMessageId,
      conversationId: send.conversationId,
      metadata: send.metadata,
    },
    { id: eventId('send.confirmed', send._id), occurredAt: seenAt },
  );
}
