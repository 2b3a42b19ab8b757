import type { FastifyInstance } from 'fastify';
import { nowIso, type EmulatorContext } from '../context';
import type { Mailbox } from '../mailbox/mailbox';
import { outgoingFromGraph, parseAttachments, preview, type NewMessage } from '../mailbox/message-factory';
import type { Message } from '../mailbox/types';
import { badRequest, notFound } from './graph-error';
import { admitInlineAttachment } from './upload-session-routes';
import { graphRoute, type GraphCall } from './graph-route';
import { MAIL_READ, MAIL_WRITE, messageOrThrow } from './message-routes';
import { attachmentJson, messageJson } from './message-view';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A reply draft to `original`, threaded like Exchange does (RE: subject, same conversation, In-Reply-To/References). */
function replyTo(ctx: EmulatorContext, box: Mailbox, original: Message, all: boolean, body: unknown): NewMessage {
  const input = isRecord(body) ? body : {};
  const now = nowIso(ctx);
  const base = outgoingFromGraph(
    isRecord(input.message) ? input.message : {},
    box.owner,
    box.wellKnown('drafts').id,
    now,
  );
  const me = box.owner.email.toLowerCase();
  const sender = original.replyTo.length ? original.replyTo : original.from ? [original.from] : [];
  const others = all
    ? [...original.toRecipients, ...original.ccRecipients].filter((r) => r.emailAddress.address.toLowerCase() !== me)
    : [];
  const comment = typeof input.comment === 'string' ? input.comment : '';
  const quoted = `${comment}<hr><b>From:</b> ${original.from?.emailAddress.address ?? ''}<br><b>Subject:</b> ${original.subject}<br><br>${original.body.content}`;
  const references = [
    original.internetMessageHeaders.find((h) => h.name.toLowerCase() === 'references')?.value,
    original.internetMessageId,
  ]
    .filter(Boolean)
    .join(' ');
  const explicitBody = isRecord(input.message) && 'body' in input.message;
  return {
    ...base,
    subject:
      isRecord(input.message) && typeof input.message.subject === 'string'
        ? base.subject
        : `RE: ${original.subject.replace(/^re:\s*/i, '')}`,
    toRecipients: base.toRecipients.length
      ? base.toRecipients
      : [...sender, ...others.filter((r) => r.emailAddress.address !== sender[0]?.emailAddress.address)],
    ccRecipients: base.ccRecipients.length
      ? base.ccRecipients
      : all
        ? original.ccRecipients.filter((r) => r.emailAddress.address.toLowerCase() !== me)
        : [],
    body: explicitBody ? base.body : { contentType: 'html', content: quoted },
    bodyPreview: explicitBody ? base.bodyPreview : preview({ contentType: 'html', content: quoted }),
    conversationId: original.conversationId,
    replyContext: { inReplyTo: original.internetMessageId, references },
  };
}

function original(call: GraphCall): Message {
  return messageOrThrow(call.mailbox, call.params.id ?? '', call.idType);
}

/** createReply(All) -> draft; reply(All) -> sent at once; attachments on drafts. */
export function registerReplyRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  for (const [action, all] of [
    ['createReply', false],
    ['createReplyAll', true],
  ] as const) {
    graphRoute(app, ctx, {
      method: 'POST',
      path: `/me/messages/:id/${action}`,
      scopes: MAIL_WRITE,
      handler: (call) => ({
        status: 201,
        body: messageJson(call.mailbox.insert(replyTo(ctx, call.mailbox, original(call), all, call.body)), call.idType),
      }),
    });
  }
  for (const [action, all] of [
    ['reply', false],
    ['replyAll', true],
  ] as const) {
    graphRoute(app, ctx, {
      method: 'POST',
      path: `/me/messages/:id/${action}`,
      scopes: ['Mail.Send'],
      isSend: true,
      handler: (call) => {
        const draft = call.mailbox.insert(replyTo(ctx, call.mailbox, original(call), all, call.body));
        ctx.transport.submit(call.user, draft, { saveToSentItems: true });
        return { status: 202 };
      },
    });
  }
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/me/messages/:id/attachments',
    scopes: MAIL_WRITE,
    handler: (call) => {
      const message = original(call);
      if (!message.isDraft) throw badRequest('Attachments can only be added to a draft.', 'ErrorInvalidOperation');
      const [attachment] = parseAttachments([call.body], nowIso(ctx));
      if (!attachment) throw badRequest('Empty Payload. JSON content expected.');
      admitInlineAttachment(ctx, call, message, attachment);
      message.attachments.push(attachment);
      message.hasAttachments = true;
      call.mailbox.touch(message, nowIso(ctx));
      return { status: 201, body: attachmentJson(attachment) };
    },
  });
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/messages/:id/attachments',
    scopes: MAIL_READ,
    handler: (call) => ({ status: 200, body: { value: original(call).attachments.map(attachmentJson) } }),
  });
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/messages/:id/attachments/:attachmentId',
    scopes: MAIL_READ,
    handler: (call) => {
      const found = original(call).attachments.find((a) => a.id === call.params.attachmentId);
      if (!found) throw notFound();
      return { status: 200, body: attachmentJson(found) };
    },
  });
}
