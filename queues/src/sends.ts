import {
  fileOnSchedule,
  isAttachmentRef,
  isDuplicateKeyError as isDuplicateKey,
  newId,
  normalizeScope,
  SEND_OPEN_SCHEDULE,
  type Models,
  type SendDoc,
} from '@outlook-connect/shared';
import {
  AttachmentInUseError,
  claimAttachments,
  maxMessageBytesOf,
  removeAttachmentsOfSend,
  resolveAttachmentRefs,
  withAttachmentDetails,
} from './attachments';
import { parseInput } from './calendar';
import { checkOwner, createOwnerCache } from './connection-owners';
import { emitEvent, eventId } from './events';
import { InvalidPayloadError, type QueueClient } from './queue-client';
import { IdempotencyKeyReusedError, requestHash, sameRequest } from './request-hash';
import { enqueueSendInputSchema, type EnqueueSendInput } from './send-schemas';

// The producer side of sends: one Send record per (connection, idempotency key), then a `send` job with the same id.
// The record is filed on the operation sweep's `send-open` schedule with its insert (at its send-at, or now), so a
// send whose job is lost is found by `_id` (services/workers/src/maintenance/README.md).

const OPEN = new Set<SendDoc['status']>(['queued', 'scheduled', 'sending']);

export class SendNotFoundError extends Error {
  override name = 'SendNotFoundError';
  constructor(
    readonly what: 'connection' | 'send',
    readonly id: string,
  ) {
    super(`${what} ${id} not found`);
  }
}

/** Cancel came too late: the send is already going out (or done). */
export class SendNotCancelableError extends Error {
  override name = 'SendNotCancelableError';
  constructor(
    readonly sendId: string,
    readonly status: SendDoc['status'],
  ) {
    super(`send ${sendId} is ${status} and can no longer be canceled`);
  }
}

export interface EnqueuedSend {
  send: SendDoc;
  /** false when the idempotency key returned an existing send of the same request (nothing new is sent). */
  created: boolean;
}

export interface SendClient {
  enqueueSend(input: EnqueueSendInput): Promise<EnqueuedSend>;
  cancelSend(workspaceId: string, sendId: string): Promise<SendDoc>;
  getSend(workspaceId: string, sendId: string): Promise<SendDoc>;
}

export function createSendClient(opts: {
  models: Models;
  queues: QueueClient;
  now?: () => number;
  maxMessageBytes?: number;
}): SendClient {
  const { models, queues } = opts;
  const now = opts.now ?? Date.now;
  const maxMessageBytes = maxMessageBytesOf(opts.maxMessageBytes);
  const owners = createOwnerCache();

  /** The job id dedupes: enqueued on every call while waiting, so a crash between insert and enqueue heals on retry. */
  async function ensureJob(send: SendDoc): Promise<void> {
    if (send.status !== 'queued' && send.status !== 'scheduled') return;
    const delay = send.sendAt ? Math.max(0, send.sendAt.getTime() - now()) : 0;
    await queues.enqueue('send', { sendId: send._id, connectionId: send.connectionId }, { jobId: send._id, delay });
  }

  return {
    async enqueueSend(input) {
      const v = parseInput(enqueueSendInputSchema, input, 'send');
      const owner = checkOwner(owners.get(v.connectionId), v.workspaceId);
      if (owner === 'not_owned') throw new SendNotFoundError('connection', v.connectionId);
      // Uploaded files need the connection's scopes, which a reconnect changes: read every time. Otherwise a connection
      // seen before needs no read (its workspace never changes).
      const namesUploads = (v.message.attachments ?? []).some(isAttachmentRef);
      let grantedScopes: string[] = [];
      if (owner === 'unknown' || namesUploads) {
        // By _id alone (the store answers that from its key), the workspace checked here.
        const found = await models.Connection.findById(v.connectionId, { workspaceId: 1, grantedScopes: 1 }).lean<{
          workspaceId: string;
          grantedScopes?: string[];
        }>();
        if (!found) throw new SendNotFoundError('connection', v.connectionId);
        owners.remember(v.connectionId, found.workspaceId);
        if (found.workspaceId !== v.workspaceId) throw new SendNotFoundError('connection', v.connectionId);
        grantedScopes = found.grantedScopes ?? [];
      }
      const uploaded = await resolveAttachmentRefs(models, v, v.message, maxMessageBytes);
      // Uploaded files go onto a draft (upload sessions); a send_only connection (Mail.Send alone) cannot make one.
      if (uploaded.length && !grantedScopes.some((s) => normalizeScope(s) === 'mail.readwrite')) {
        throw new InvalidPayloadError('send', [
          {
            path: 'message.attachments',
            message:
              'uploaded attachments need a connection granted Mail.ReadWrite; a send_only connection sends inline attachments only',
          },
        ]);
      }
      // What makes two requests the same send: everything the producer chose, after validation, except the key.
      const hash = requestHash({
        message: v.message,
        source: v.source,
        sendAt: v.sendAt ?? null,
        metadata: v.metadata,
      });
      const sendId = newId('send');
      const scheduled = v.sendAt !== undefined && v.sendAt.getTime() > now();
      let send: SendDoc;
      let created = true;
      const fileOpen = (id: string) =>
        fileOnSchedule(models, SEND_OPEN_SCHEDULE, id, v.sendAt?.getTime() ?? now(), now());
      // The schedule entry goes with the insert (not after it): an entry whose insert failed is dropped by the sweep.
      let filing: Promise<void> = fileOpen(sendId);
      filing.catch(() => undefined); // awaited below; the insert's own error is the one to report
      try {
        const doc = await models.Send.create({
          _id: sendId,
          workspaceId: v.workspaceId,
          connectionId: v.connectionId,
          idempotencyKey: v.idempotencyKey,
          requestHash: hash,
          source: v.source,
          status: scheduled ? 'scheduled' : 'queued',
          message: withAttachmentDetails(v.message, uploaded),
          sendAt: v.sendAt ?? null,
          metadata: v.metadata,
          marker: `oc-${sendId}`,
        });
        send = doc.toObject();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await models.Send.findOne({
          connectionId: v.connectionId,
          idempotencyKey: v.idempotencyKey,
        }).lean<SendDoc>();
        if (!existing) throw err;
        if (!sameRequest(existing.requestHash, hash))
          throw new IdempotencyKeyReusedError(v.idempotencyKey, 'send', existing._id);
        send = existing;
        created = false;
        // The same request again: an open send is filed again, in case the first call's entry was what failed.
        filing = OPEN.has(existing.status) ? fileOpen(existing._id) : Promise.resolve();
      }
      if (uploaded.length === 0) {
        // No files to claim: the job is added as soon as the record exists, while its schedule entry is written (on
        // FerretDB the two writes take turns, so waiting for both put the second one on every send's path). A failed
        // filing still fails the call, whose retry (same key) files the send again; its job id dedupes the job.
        await Promise.all([filing, ensureJob(send)]);
        return { send, created };
      }
      await filing;
      try {
        await claimAttachments(models, uploaded, send._id);
      } catch (err) {
        // Another send owns a file: this new send never existed (nothing was enqueued for it).
        if (err instanceof AttachmentInUseError && created)
          await models.Send.deleteOne({ _id: send._id, status: send.status });
        throw err;
      }
      await ensureJob(send);
      return { send, created };
    },

    async cancelSend(workspaceId, sendId) {
      let canceled = await models.Send.findOneAndUpdate(
        { _id: sendId, workspaceId, status: { $in: ['queued', 'scheduled'] } },
        { $set: { status: 'canceled', canceledAt: new Date(now()) } },
        { returnDocument: 'after' },
      ).lean<SendDoc>();
      if (!canceled) {
        const existing = await models.Send.findOne({ _id: sendId, workspaceId }).lean<SendDoc>();
        if (!existing) throw new SendNotFoundError('send', sendId);
        if (existing.status !== 'canceled') throw new SendNotCancelableError(sendId, existing.status);
        canceled = existing;
      }
      // Repeated on a repeated cancel: the job removal and the event (stable id) are idempotent, and heal a crash here.
      // The record is canceled whatever happens to the job: a worker taking it re-reads the record and stops.
      await queues
        .queue('send')
        .remove(sendId)
        .catch(() => undefined);
      await removeAttachmentsOfSend(models, sendId);
      await emitEvent(
        queues,
        'send.canceled',
        { workspaceId, connectionId: canceled.connectionId },
        { sendId, idempotencyKey: canceled.idempotencyKey, source: canceled.source, metadata: canceled.metadata },
        { id: eventId('send.canceled', sendId), occurredAt: canceled.canceledAt ?? new Date(now()) },
      );
      return canceled;
    },

    async getSend(workspaceId, sendId) {
      const send = await models.Send.findOne({ _id: sendId, workspaceId }).lean<SendDoc>();
      if (!send) throw new SendNotFoundError('send', sendId);
      return send;
    },
  };
}
