import { createSendClient, InvalidPayloadError, SendNotCancelableError, SendNotFoundError, type EnqueueSendInput } from '@outlook-connect/queues';
import type { SendDoc } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { anyObject, errorBody, idParams } from '../http/schemas';

// The send producer over HTTP, for producers not written in Node. The body is validated by the same schema as the
// queues client (createSendClient); its issues come back as 400 naming each field.

const tags = ['Sends'];
const security = [{ apiKey: [] }];
const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody };

/** The record as the API shows it: attachments without their content (it can be megabytes). */
export function sendView(send: SendDoc): Record<string, unknown> {
  const { attachments, ...message } = send.message;
  return {
    id: send._id,
    workspaceId: send.workspaceId,
    connectionId: send.connectionId,
    idempotencyKey: send.idempotencyKey,
    source: send.source,
    status: send.status,
    message: { ...message, attachments: (attachments ?? []).map((a) => ({ name: a.name, contentType: a.contentType, size: Math.floor((a.contentBase64.length * 3) / 4) })) },
    sendAt: send.sendAt,
    metadata: send.metadata,
    attempts: send.attempts,
    draftId: send.draftId,
    sentMessageId: send.sentMessageId,
    internetMessageId: send.internetMessageId,
    conversationId: send.conversationId,
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
    return new ApiError(400, 'invalid_request', err.message, { issues: err.issues.map((i) => ({ field: i.path || '(body)', reason: i.message })) });
  }
  if (err instanceof SendNotFoundError) return notFound(err.what);
  if (err instanceof SendNotCancelableError) return new ApiError(409, 'send_not_cancelable', err.message, { status: err.status });
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
  const sends = createSendClient({ models: deps.models, queues: deps.queues, now: () => deps.now().getTime() });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/sends',
    schema: {
      tags,
      security,
      params: idParams('conn'),
      description: 'Queues an email from this mailbox. The same idempotencyKey on the same connection returns the same send (200) and sends nothing new.',
      body: anyObject,
      response: { 200: anyObject, 201: anyObject, ...errors },
    },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const body = req.body as Record<string, unknown>;
      const input = { ...body, workspaceId, connectionId: req.params.id } as EnqueueSendInput;
      const { send, created } = await mapped(() => sends.enqueueSend(input));
      return reply.code(created ? 201 : 200).send({ ...sendView(send), created });
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/sends/:id',
    schema: { tags, security, params: idParams('send'), response: { 200: anyObject, ...errors } },
    handler: async (req) => sendView(await mapped(async () => sends.getSend(await workspaceOf(deps.models, req), req.params.id))),
  });

  app.route({
    method: 'POST',
    url: '/v1/sends/:id/cancel',
    schema: { tags, security, params: idParams('send'), description: 'Cancels a send that has not started going out (409 otherwise).', response: { 200: anyObject, ...errors } },
    handler: async (req) => sendView(await mapped(async () => sends.cancelSend(await workspaceOf(deps.models, req), req.params.id))),
  });
}
