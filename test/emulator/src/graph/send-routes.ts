import type { FastifyInstance } from 'fastify';
import { nowIso, type EmulatorContext } from '../context';
import { allRecipients, outgoingFromGraph } from '../mailbox/message-factory';
import { GraphError, badRequest } from './graph-error';
import { graphRoute } from './graph-route';
import { messageOrThrow } from './message-routes';

const MAIL_SEND = ['Mail.Send'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const noRecipients = (): GraphError =>
  new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., Recipient is missing.');

/**
 * POST /me/sendMail and POST /me/messages/{id}/send: 202, no body, counted against sendsPerMinute. The message then
 * waits in Drafts (sendMail puts it there first) until transport moves it to Sent Items (../transport).
 */
export function registerSendRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/me/sendMail',
    scopes: MAIL_SEND,
    isSend: true,
    handler: (call) => {
      if (!isRecord(call.body) || !isRecord(call.body.message))
        throw badRequest('Empty Payload. JSON content expected.', 'ErrorInvalidRequest');
      const message = outgoingFromGraph(
        call.body.message,
        call.mailbox.owner,
        call.mailbox.wellKnown('drafts').id,
        nowIso(ctx),
      );
      if (allRecipients(message).length === 0) throw noRecipients();
      const draft = call.mailbox.insert(message);
      ctx.transport.submit(call.user, draft, { saveToSentItems: call.body.saveToSentItems !== false });
      return { status: 202 };
    },
  });
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/me/messages/:id/send',
    scopes: MAIL_SEND,
    isSend: true,
    handler: (call) => {
      const draft = messageOrThrow(call.mailbox, call.params.id ?? '', call.idType);
      if (!draft.isDraft) throw badRequest('The item has already been sent.', 'ErrorInvalidOperation');
      if (allRecipients(draft).length === 0) throw noRecipients();
      // Still a draft while in transit: a second /send submits it again (assumed, see README).
      ctx.transport.submit(call.user, draft, { saveToSentItems: true });
      return { status: 202 };
    },
  });
}
