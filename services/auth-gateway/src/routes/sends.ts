import {
  createSendClient,
  enqueueSendInputSchema,
  AttachmentInUseError,
  IdempotencyKeyReusedError,
  InvalidPayloadError,
  MAX_SEND_REQUEST_BYTES,
  SendNotCancelableError,
  SendNotFoundError,
} from '@outlook-connect/queues';
import { isAttachmentRef, type SendDoc } from '@outlook-connect/shared';
import type { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { idempotencyKeyOf } from '../http/idempotency-key';
import { apiErrors, idempotencyHeaders, idParams, workspaceApiKey } from '../http/schemas';
import { enqueuedSendSchema, sendViewSchema } from '../http/views';

// The send producer over HTTP, for producers not written in Node. The body is validated by the queues client's own
// schema (createSendClient's), so both entry points refuse the same fields; issues come back as 400 naming each.

const tags = ['Sends'];
const security = workspaceApiKey;

/** The queues client's input without what the URL and the API key say; the key may come as a header instead. */
export const sendRequestBody = enqueueSendInputSchema
  .omit({ workspaceId: true, connectionId: true })
  .partial({ idempotencyKey: true });

/** The record as the API shows it: attachments without their content (it can be megabytes). */
export function sendView(send: SendDoc): z.input<typeof sendViewSchema> {
  const { attachments, ...message } = send.message;
  return {
    id: send._id,
    workspaceId: send.workspaceId,
    connectionId: send.connectionId,
    idempotencyKey: send.idempotencyKey,
    source: send.source,
    status: send.status,
    message: {
      ...message,
      attachments: (attachments ?? []).map((a) =>
        isAttachmentRef(a)
          ? {
              attachmentId: a.attachmentId,
              name: a.name ?? '',
              contentType: a.contentType ?? 'application/octet-stream',
              size: a.size ?? 0,
            }
          : { name: a.name, contentType: a.contentType, size: Math.floor((a.contentBase64.length * 3) / 4) },
      ),
    },
    sendAt: send.sendAt,
    metadata: send.metadata,
    attempts: send.attempts,
    draftId: send.draftId,
    sentMessageId: send.sentMessageId,
    internetMessageId: send.internetMessageId,
    conversationId: send.conversationId,
    sentItemsStatus: send.sentItemsStatus ?? null,
    sentItemsSeenAt: send.sentItemsSeenAt ?? null,
    error: send.error,
    createdAt: send.createdAt,
    updatedAt: send.updatedAt,
    sentAt: send.sentAt,
    failedAt: send.failedAt,
    canceledAt: send.canceledAt,
  };
}

function apiErrorOf(err: unknown): unknown {
  if (err instanceof InvalidPayloadError) {
    return new ApiError(400, 'invalid_request', err.message, {
      issues: err.issues.map((i) => ({ field: i.path ? `body.${i.path}` : 'body', reason: i.message })),
    });
  }
  if (err instanceof AttachmentInUseError)
    return new ApiError(409, 'attachment_in_use', err.message, { sendId: err.sendId });
  if (err instanceof IdempotencyKeyReusedError)
    return new ApiError(409, 'idempotency_key_reused', err.message, { sendId: err.existingId });
  if (err instanceof SendNotFoundError) return notFound(err.what);
  if (err instanceof SendNotCancelableError)
    return new ApiError(409, 'send_not_cancelable', err.message, { status: err.status });
  return err;
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw apiErrorOf(err);
  }
}

export function sendRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const sends = createSendClient({
    models: deps.models,
    queues: deps.queues,
    now: () => deps.now().getTime(),
    maxMessageBytes: deps.env.MAX_MESSAGE_MB * 1024 * 1024,
  });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/sends',
    // As large as the schema allows (inline attachments, the longest body, every recipient), not more.
    bodyLimit: MAX_SEND_REQUEST_BYTES,
    schema: {
      tags,
      security,
      summary: 'Queue an email from this mailbox',
      description:
        'Queues an email (201). The idempotency key (Idempotency-Key header or idempotencyKey) is per connection: the same key ' +
        'with the same request returns the original send (200) and sends nothing new; with a different request it is refused ' +
        '(409 idempotency_key_reused, naming the original sendId). sendAt in the future schedules it. ' +
        'Attachments: small files inline (contentBase64, 3 MB of base64 in total), larger ones uploaded first (POST /v1/connections/{id}/attachments) ' +
        'and named by attachmentId (all files together at most the maximum message size; 409 attachment_in_use if another send uses one). ' +
        `The body may be at most ${MAX_SEND_REQUEST_BYTES} bytes (413 names the limit).`,
      params: idParams('conn'),
      headers: idempotencyHeaders,
      body: sendRequestBody,
      response: {
        200: enqueuedSendSchema.describe('The original send: the same key and the same request; nothing new is sent'),
        201: enqueuedSendSchema.describe('Queued (or scheduled for sendAt)'),
        ...apiErrors({ body: true, params: true }, 409),
      },
    },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const idempotencyKey = idempotencyKeyOf(req.headers['idempotency-key'], req.body.idempotencyKey);
      const { send, created } = await mapped(() =>
        sends.enqueueSend({ ...req.body, idempotencyKey, workspaceId, connectionId: req.params.id }),
      );
      return reply.code(created ? 201 : 200).send({ ...sendView(send), created });
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/sends/:id',
    schema: {
      tags,
      security,
      summary: 'Get a send',
      description:
        'Its status (queued, scheduled, sending, sent, failed, canceled), Graph ids once sent, and the error if it failed.',
      params: idParams('send'),
      response: { 200: sendViewSchema, ...apiErrors({ params: true }) },
    },
    handler: async (req) =>
      sendView(await mapped(async () => sends.getSend(await workspaceOf(deps.models, req), req.params.id))),
  });

  app.route({
    method: 'POST',
    url: '/v1/sends/:id/cancel',
    schema: {
      tags,
      security,
      summary: 'Cancel a send',
      description:
        'Cancels a send that has not started going out (409 send_not_cancelable otherwise); canceling twice answers the canceled send.',
      params: idParams('send'),
      response: { 200: sendViewSchema, ...apiErrors({ body: true, params: true }, 409) },
    },
    handler: async (req) =>
      sendView(await mapped(async () => sends.cancelSend(await workspaceOf(deps.models, req), req.params.id))),
  });
}
