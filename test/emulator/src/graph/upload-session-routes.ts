import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mailboxOf, nowIso, type EmulatorContext } from '../context';
import type { Mailbox } from '../mailbox/mailbox';
import type { FileAttachment, Message } from '../mailbox/types';
import {
  MAX_SESSION_BYTES,
  MIN_SESSION_BYTES,
  SESSION_LIFETIME_MS,
  UploadBytesWindow,
  UploadSessions,
  checkRange,
  type UploadSession,
} from '../mailbox/upload-sessions';
import { opaque } from '../util/ids';
import { GraphError, badRequest } from './graph-error';
import { graphRoute, sendGraphError, type GraphCall } from './graph-route';
import { MAIL_WRITE, messageOrThrow } from './message-routes';

// createUploadSession + the PUTs to its uploadUrl, and POST .../attachments for files under 3 MB.

interface UploadState {
  sessions: UploadSessions;
  bytes: UploadBytesWindow;
}

const states = new WeakMap<EmulatorContext, UploadState>();
const stateOf = (ctx: EmulatorContext): UploadState => {
  let s = states.get(ctx);
  if (!s) {
    s = { sessions: new UploadSessions(), bytes: new UploadBytesWindow() };
    states.set(ctx, s);
  }
  return s;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const attachedBytes = (m: Message): number => m.attachments.reduce((sum, a) => sum + a.size, 0);

/** Exchange's maximum message size covers the attachments (assumed: checked when bytes are added, not only at send). */
function checkMessageSize(box: Mailbox, message: Message, adding: number): void {
  if (attachedBytes(message) + adding > box.maxMessageSizeBytes) {
    throw new GraphError(
      400,
      'ErrorMessageSizeExceeded',
      `The message exceeds the maximum supported size of ${box.maxMessageSizeBytes} bytes.`,
    );
  }
}

/** Outlook's upload-bytes limit per mailbox (429 with Retry-After, like its other limits). */
function admitBytes(ctx: EmulatorContext, email: string, bytes: number): void {
  const limits = ctx.settings.limits;
  if (!limits.enabled) return;
  const waitMs = stateOf(ctx).bytes.hit(
    email.toLowerCase(),
    ctx.clock.now(),
    bytes,
    limits.uploadBytesPer5Min ?? MAX_SESSION_BYTES,
  );
  if (waitMs)
    throw new GraphError(429, 'ApplicationThrottled', 'Application is over its IncomingBytes limit.', {
      'retry-after': String(Math.ceil(waitMs / 1000)),
    });
}

function draftOrThrow(call: GraphCall): Message {
  const message = messageOrThrow(call.mailbox, call.params.id ?? '', call.idType);
  if (!message.isDraft) throw badRequest('Attachments can only be added to a draft message.', 'ErrorInvalidOperation');
  return message;
}

const sessionBase = (ctx: EmulatorContext, s: UploadSession): string =>
  `${ctx.urls.url}/api/v2.0/Users('${s.userId}@${s.tenantId}')/Messages('${s.messageId}')`;

function createUploadSession(ctx: EmulatorContext, call: GraphCall) {
  const message = draftOrThrow(call);
  const item = isRecord(call.body) ? (call.body.AttachmentItem ?? call.body.attachmentItem) : undefined;
  if (!isRecord(item)) throw badRequest("The parameter 'AttachmentItem' is missing.", 'ErrorInvalidRequest');
  if (item.attachmentType !== 'file')
    throw badRequest("AttachmentItem.attachmentType must be 'file'.", 'ErrorInvalidRequest');
  if (typeof item.name !== 'string' || !item.name)
    throw badRequest('AttachmentItem.name is required.', 'ErrorInvalidRequest');
  const size = item.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
    throw badRequest('AttachmentItem.size is required.', 'ErrorInvalidRequest');
  if (size < MIN_SESSION_BYTES) {
    throw badRequest(
      'The attachment size should not be less than the minimum size of 3 MB; POST it to the attachments collection.',
      'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
    );
  }
  if (size > MAX_SESSION_BYTES) throw badRequest('An attachment can be at most 150 MB.', 'ErrorAttachmentSizeTooLarge');
  checkMessageSize(call.mailbox, message, size);
  const session = stateOf(ctx).sessions.open({
    userId: call.user.id,
    tenantId: call.user.tenantId,
    messageId: message.id,
    name: item.name,
    contentType: typeof item.contentType === 'string' ? item.contentType : 'application/octet-stream',
    isInline: item.isInline === true,
    contentId: typeof item.contentId === 'string' ? item.contentId : null,
    size,
    expiresAtMs: ctx.clock.now() + SESSION_LIFETIME_MS,
  });
  return {
    status: 201,
    body: {
      '@odata.context': `${ctx.urls.graphUrl}/$metadata#microsoft.graph.uploadSession`,
      uploadUrl: `${sessionBase(ctx, session)}/AttachmentSessions('${session.id}')?authtoken=${session.token}`,
      expirationDateTime: new Date(session.expiresAtMs).toISOString(),
      nextExpectedRanges: ['0-'],
    },
  };
}

const SESSION_PATH = /^\/api\/v2\.0\/Users\('([^']+)'\)\/Messages\('([^']+)'\)\/AttachmentSessions\('([^']+)'\)$/i;

/** The uploadUrl: pre-authenticated by its authtoken; an Authorization header is refused (assumed, as drive uploads do). */
function sessionOf(ctx: EmulatorContext, request: FastifyRequest): UploadSession {
  const [path = '', query = ''] = (request.url ?? '').split('?');
  const m = SESSION_PATH.exec(decodeURIComponent(path));
  const session = m ? stateOf(ctx).sessions.get(m[3] ?? '') : undefined;
  if (!session || session.messageId !== m?.[2])
    throw new GraphError(404, 'ErrorItemNotFound', 'The upload session was not found.');
  if (request.headers.authorization)
    throw new GraphError(
      401,
      'InvalidAuthenticationToken',
      'Do not send an Authorization header to the pre-authenticated upload URL.',
    );
  if (new URLSearchParams(query).get('authtoken') !== session.token)
    throw new GraphError(401, 'InvalidAuthenticationToken', 'The upload URL token is invalid.');
  if (ctx.clock.now() > session.expiresAtMs) {
    stateOf(ctx).sessions.close(session.id);
    throw new GraphError(404, 'ErrorItemNotFound', 'The upload session has expired.');
  }
  return session;
}

function putRange(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const session = sessionOf(ctx, request);
  const user = ctx.directory.user(session.userId);
  const box = user ? mailboxOf(ctx, user) : undefined;
  const message = box?.messages.get(session.messageId);
  if (!user || !box || !message)
    throw new GraphError(404, 'ErrorItemNotFound', 'The message of this upload session no longer exists.');
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const range = checkRange(session, request.headers['content-range'], body.length);
  if (!range.ok) throw new GraphError(range.status, range.code, range.message);
  admitBytes(ctx, user.email, body.length);
  session.chunks.push(body);
  session.received = range.end + 1;
  if (session.received < session.size) {
    return reply
      .code(200)
      .type('application/json')
      .send({
        '@odata.context': `${sessionBase(ctx, session)}/AttachmentSessions/$entity`,
        ExpirationDateTime: new Date(session.expiresAtMs).toISOString(),
        nextExpectedRanges: [String(session.received)],
      });
  }
  const now = nowIso(ctx);
  const attachment: FileAttachment = {
    id: `AAMkAGAtt${opaque(18)}`,
    name: session.name,
    contentType: session.contentType,
    size: session.size,
    isInline: session.isInline,
    contentBytes: Buffer.concat(session.chunks).toString('base64'),
    lastModifiedDateTime: now,
  };
  message.attachments.push(attachment);
  message.hasAttachments = true;
  box.touch(message, now);
  stateOf(ctx).sessions.close(session.id);
  return reply
    .code(201)
    .header('location', `${sessionBase(ctx, session)}/Attachments('${attachment.id}')`)
    .send();
}

/** POST .../attachments (reply-routes): under 3 MB only, within the message size and the upload-bytes limit. */
export function admitInlineAttachment(
  ctx: EmulatorContext,
  call: GraphCall,
  message: Message,
  attachment: FileAttachment,
): void {
  if (attachment.size >= MIN_SESSION_BYTES) {
    throw new GraphError(
      413,
      'ErrorRequestEntityTooLarge',
      'Attachments of 3 MB or more must be uploaded through createUploadSession.',
    );
  }
  checkMessageSize(call.mailbox, message, attachment.size);
  admitBytes(ctx, call.user.email, attachment.size);
}

export function registerUploadSessionRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/me/messages/:id/attachments/createUploadSession',
    scopes: MAIL_WRITE,
    handler: (call) => createUploadSession(ctx, call),
  });
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: 8 * 1024 * 1024 },
      (_req, body, done) => done(null, body),
    );
    const handle =
      (fn: (request: FastifyRequest, reply: FastifyReply) => FastifyReply) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          return fn(request, reply);
        } catch (err) {
          if (err instanceof GraphError) return sendGraphError(ctx, request, reply, err);
          throw err;
        }
      };
    scope.put(
      '/api/v2.0/*',
      handle((request, reply) => putRange(ctx, request, reply)),
    );
    scope.delete(
      '/api/v2.0/*',
      handle((request, reply) => {
        stateOf(ctx).sessions.close(sessionOf(ctx, request).id);
        return reply.code(204).send();
      }),
    );
  });
}
