import { readAttachment } from '@outlook-connect/queues';
import { isAttachmentRef, type AttachmentDoc, type ConnectionDoc, type SendDoc } from '@outlook-connect/shared';
import type { AccessTokenSeed } from '@outlook-connect/mailbox-runtime';
import type { WorkerDeps } from '../worker-deps';
import {
  connectionUnusableOf,
  mailboxBusyOf,
  microsoftFailureOf,
  SendBudget,
  sendLimitsFor,
} from '@outlook-connect/mailbox-runtime';
import { recipientTotal } from './graph-message';
import { attachFiles, type FileToAttach } from './large-attachments';
import { createDraft, deleteDraft, findByMarker, sendDraft, sendMail, type CreatedDraft } from './send-graph';
import { certainlyNotSent, nextDraftStep, readFindings, type SendPolicy, type SentRecord } from './send-policy';
import { claimDraftSubmission, releaseSubmission } from './send-records';
import { persist } from '../operations/persist';

// One attempt at putting a send on the wire, in draft mode or sendMail mode. Errors propagate to the handler, which
// decides (postpone / retry / fail); `state.irreversible` tells it whether the message may already have gone out.

export type AttemptDeps = Pick<WorkerDeps, 'models' | 'queues' | 'graph' | 'gate' | 'now'> & {
  sendPolicy: Pick<SendPolicy, 'transitMaxMs' | 'confirm'>;
};

export interface AttemptState {
  /** A request that may have sent the message went out and its outcome is not known to be a refusal. */
  irreversible: boolean;
}

/** An earlier attempt submitted the draft and it is not in Sent Items yet: look again at `lookAgainAtMs`, send nothing. */
export class InTransitError extends Error {
  override name = 'InTransitError';
  constructor(
    readonly sendId: string,
    readonly lookAgainAtMs: number,
  ) {
    super(`send ${sendId} was submitted and is not in Sent Items yet`);
  }
}

/** The draft recorded for this send is gone or already sent (404 / ErrorInvalidOperation): the next attempt looks up. */
export class DraftGoneError extends Error {
  override name = 'DraftGoneError';
}

/** sendMail answers 202 with no id, and a send_only connection cannot read Sent Items: nothing more to learn. */
const SEND_MAIL_SENT: SentRecord = {
  sentMessageId: null,
  internetMessageId: null,
  conversationId: null,
  sentItemsStatus: null,
};

/** Submitted, not in Sent Items yet (Exchange sends after the 202): the ids the draft had; send-confirm looks later. */
const submittedWith = (ids: Pick<SendDoc, 'internetMessageId' | 'conversationId'>): SentRecord => ({
  sentMessageId: null,
  internetMessageId: ids.internetMessageId,
  conversationId: ids.conversationId,
  sentItemsStatus: 'pending',
});

/** Runs the request that may send; afterwards irreversible stays set unless Graph clearly refused it. */
async function submit(state: AttemptState, call: () => Promise<void>): Promise<void> {
  state.irreversible = true;
  try {
    await call();
  } catch (err) {
    // The gate or the token stopped it before any request, or Graph answered with a clear refusal. An error that is not
    // Microsoft's (the gate's Redis, the token store: callGraph lets them out as they are) came before the request too.
    const failure = microsoftFailureOf(err);
    if (mailboxBusyOf(err) || connectionUnusableOf(err) || !failure || certainlyNotSent(failure))
      state.irreversible = false;
    throw err;
  }
}

/** A file named by attachmentId is not in the store any more (removed by the sweep): the send cannot go out as asked. */
export class AttachmentMissingError extends Error {
  override name = 'AttachmentMissingError';
}

/** The send's uploaded files, read from the store only when they go up. */
async function uploadedFiles(deps: AttemptDeps, send: SendDoc): Promise<FileToAttach[]> {
  const ids = (send.message.attachments ?? []).filter(isAttachmentRef).map((a) => a.attachmentId);
  if (ids.length === 0) return [];
  const docs = await deps.models.Attachment.find({ _id: { $in: ids }, sendId: send._id, status: 'ready' }).lean<
    AttachmentDoc[]
  >();
  const byId = new Map(docs.map((d) => [d._id, d]));
  return ids.map((id) => {
    const doc = byId.get(id);
    if (!doc) throw new AttachmentMissingError(`attachment ${id} of send ${send._id} is no longer stored`);
    return {
      name: doc.name,
      contentType: doc.contentType,
      size: doc.size,
      bytes: () => readAttachment(deps.models, doc),
    };
  });
}

export async function sendViaDraft(
  deps: AttemptDeps,
  send: SendDoc,
  conn: ConnectionDoc,
  state: AttemptState,
  seed?: AccessTokenSeed,
): Promise<SentRecord> {
  const client = deps.graph(send.connectionId, seed);
  const earlier = send.submittedAt
    ? {
        submittedAtMs: send.submittedAt.getTime(),
        nowMs: deps.now(),
        transitMaxMs: deps.sendPolicy.transitMaxMs,
        recheckMs: deps.sendPolicy.confirm.firstCheckMs,
      }
    : null;
  // On the first attempt nothing can exist yet; any later attempt asks the mailbox what an earlier one did.
  const lookup = send.attempts > 1 || send.draftId || earlier;
  const findings = lookup ? readFindings(await findByMarker(client, send.marker)) : null;
  const step = nextDraftStep(send.draftId, findings, earlier);
  if (step.step === 'done') return { ...step.sent, sentItemsStatus: 'seen' };
  if (step.step === 'in_transit') {
    state.irreversible = true; // it may be on its way: the record stays `sending` (no cancel) while we wait
    throw new InTransitError(send._id, step.lookAgainAtMs);
  }
  // Still a draft long after its submission: that request never reached Exchange. The claim goes, and is taken again.
  if (step.resubmit) await releaseSubmission(deps, send._id);
  const files = await uploadedFiles(deps, send);
  let draft: CreatedDraft;
  const fresh = step.step === 'create_draft';
  if (step.step === 'create_draft') {
    draft = await createDraft(client, send.message, send.marker);
  } else {
    const found = findings?.drafts.find((d) => d.id === step.draftId);
    draft = {
      id: step.draftId,
      internetMessageId: found?.internetMessageId ?? send.internetMessageId,
      conversationId: found?.conversationId ?? send.conversationId,
    };
  }
  // Uploaded files go onto the draft before it is sent; a draft found again may carry some of them already.
  await attachFiles(client, draft.id, files, { draftMayHaveFiles: !fresh });
  await deps.gate.reserveSend(send.connectionId, recipientTotal(send.message), sendLimitsFor(conn));
  // Exchange keeps a submitted draft in Drafts, unchanged, until it has sent it: only the record can say it went.
  const claim = await claimDraftSubmission(deps, send._id, draft);
  if (!claim.claimed) {
    if (fresh) await deleteDraft(client, draft.id).catch(() => undefined);
    if (claim.current?.submittedAt) {
      // Another attempt submitted it just now: this one waits to see it in Sent Items like any retry.
      state.irreversible = true;
      throw new InTransitError(send._id, deps.now() + deps.sendPolicy.confirm.firstCheckMs);
    }
    throw new DraftGoneError(`send ${send._id} has another draft recorded; the next attempt looks again`);
  }
  try {
    await submit(state, () => sendDraft(client, draft.id));
  } catch (err) {
    if (!state.irreversible) await persist(() => releaseSubmission(deps, send._id));
    const failure = microsoftFailureOf(err);
    if (failure && (failure.code === 'not_found' || failure.graphCode?.toLowerCase() === 'errorinvalidoperation')) {
      throw new DraftGoneError(`draft ${draft.id} of send ${send._id} is gone or already sent`);
    }
    throw err;
  }
  return submittedWith(draft);
}

export const SUBMITTED_EARLIER =
  "an earlier attempt submitted this send and got no clear answer; a send_only connection cannot read Sent Items to check, so it is not sent again (check the mailbox's Sent Items)";

/** The submission was claimed with the attempt (beginAttempt with claimSubmission); released when it certainly did not go out. */
export async function sendViaSendMail(
  deps: AttemptDeps,
  send: SendDoc,
  conn: ConnectionDoc,
  state: AttemptState,
  seed?: AccessTokenSeed,
): Promise<SentRecord> {
  const client = deps.graph(send.connectionId, seed);
  try {
    // The gate reserves the budget with the request's slot, in one step (a refusal: nothing taken, nothing sent).
    const budget = new SendBudget(recipientTotal(send.message), sendLimitsFor(conn));
    await submit(state, () => sendMail(client, send.message, send.marker, budget));
  } catch (err) {
    // Released through an outage too: a claim left behind would fail the send as delivery_unknown on its next attempt.
    if (!state.irreversible) await persist(() => releaseSubmission(deps, send._id));
    throw err;
  }
  return SEND_MAIL_SENT;
}
