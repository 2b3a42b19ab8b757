import {
  AttachmentNotFoundError,
  AttachmentTooLargeError,
  createAttachmentClient,
  InvalidPayloadError,
  uploadAttachmentInputSchema,
} from '@outlook-connect/queues';
import type { AttachmentDoc } from '@outlook-connect/shared';
import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { apiErrors, idParams, workspaceApiKey } from '../http/schemas';

// Files for sends, uploaded before the send that names them (message.attachments[].attachmentId): the bytes go to the
// store, never into a queue job or Redis, and are removed once the send finishes (or unused, after a day).

const tags = ['Sends'];
const security = workspaceApiKey;

export const attachmentViewSchema = z.object({
  id: z.string().describe('att_...: name it in a send as message.attachments[].attachmentId'),
  connectionId: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().describe('bytes'),
  sha256: z.string().describe('hex SHA-256 of the bytes, to check the upload'),
  sendId: z.string().nullable().describe('the send that uses it, once one does'),
  createdAt: z.date(),
});

const uploadQuery = z.object({
  name: uploadAttachmentInputSchema.shape.name.describe('the file name the recipient sees'),
  contentType: uploadAttachmentInputSchema.shape.contentType.describe(
    'its MIME type (default application/octet-stream)',
  ),
});

const view = (a: AttachmentDoc): z.input<typeof attachmentViewSchema> => ({
  id: a._id,
  connectionId: a.connectionId,
  name: a.name,
  contentType: a.contentType,
  size: a.size,
  sha256: a.sha256,
  sendId: a.sendId,
  createdAt: a.createdAt,
});

function apiErrorOf(err: unknown): unknown {
  if (err instanceof AttachmentTooLargeError)
    return new ApiError(413, 'attachment_too_large', err.message, { limitBytes: err.limitBytes });
  if (err instanceof AttachmentNotFoundError)
    return notFound(err.attachmentId.startsWith('conn_') ? 'connection' : 'attachment');
  if (err instanceof InvalidPayloadError) {
    return new ApiError(400, 'invalid_request', err.message, {
      issues: err.issues.map((i) => ({ field: i.path === 'content' ? 'body' : `query.${i.path}`, reason: i.message })),
    });
  }
  return err;
}

export function attachmentRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const attachments = createAttachmentClient({
    models: deps.models,
    maxMessageBytes: deps.env.MAX_MESSAGE_MB * 1024 * 1024,
  });

  app.register(async (scope: GatewayApp) => {
    // Only this route reads raw bytes; every other route stays JSON-only (415 otherwise).
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    scope.route({
      method: 'POST',
      url: '/v1/connections/:id/attachments',
      bodyLimit: attachments.maxMessageBytes,
      // Storing up to 150 MB takes longer than a JSON request may; the bytes themselves must arrive within the
      // server's requestTimeout (2 x REQUEST_TIMEOUT_MS): raise REQUEST_TIMEOUT_MS for slow producers of large files.
      handlerTimeout: Math.max(deps.env.REQUEST_TIMEOUT_MS, 120_000),
      schema: {
        tags,
        security,
        summary: 'Upload a file for a send',
        description:
          `The body is the file itself (Content-Type: application/octet-stream), at most the maximum message size ` +
          `(${attachments.maxMessageBytes} bytes here; MAX_MESSAGE_MB, 35 MB by default, at most 150 MB like Exchange Online): larger is 413 naming the limit. ` +
          'Name the returned id in POST /v1/connections/{id}/sends as message.attachments[].attachmentId. The file is kept until that send is sent, ' +
          'fails or is canceled, then removed; an upload no send names is removed after 24 hours. Files under 3 MB go to Outlook in one request, larger ones through an upload session.',
        consumes: ['application/octet-stream'],
        params: idParams('conn'),
        querystring: uploadQuery,
        body: z.any().describe('the file bytes'),
        response: {
          201: attachmentViewSchema.describe('Stored'),
          ...apiErrors({ body: true, params: true, query: true }),
        },
      },
      handler: async (req, reply) => {
        const workspaceId = await workspaceOf(deps.models, req);
        if (!Buffer.isBuffer(req.body))
          throw new ApiError(
            415,
            'unsupported_media_type',
            'send the file as the body with Content-Type: application/octet-stream',
          );
        try {
          const stored = await attachments.uploadAttachment({
            workspaceId,
            connectionId: req.params.id,
            name: req.query.name,
            contentType: req.query.contentType,
            content: req.body,
          });
          return reply.code(201).send(view(stored));
        } catch (err) {
          throw apiErrorOf(err);
        }
      },
    });
  });

  app.route({
    method: 'GET',
    url: '/v1/attachments/:id',
    schema: {
      tags,
      security,
      summary: 'Get an uploaded file (without its bytes)',
      params: idParams('att'),
      response: { 200: attachmentViewSchema, ...apiErrors({ params: true }) },
    },
    handler: async (req) => {
      try {
        return view(await attachments.getAttachment(await workspaceOf(deps.models, req), req.params.id));
      } catch (err) {
        throw apiErrorOf(err);
      }
    },
  });
}
