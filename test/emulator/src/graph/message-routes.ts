import type { FastifyInstance } from 'fastify';
import { nowIso, type EmulatorContext } from '../context';
import type { IdType, Mailbox } from '../mailbox/mailbox';
import { outgoingFromGraph } from '../mailbox/message-factory';
import type { Message } from '../mailbox/types';
import { badRequest, notFound } from './graph-error';
import { graphRoute, type GraphCall, type GraphResult } from './graph-route';
import { filterView, messageJson } from './message-view';
import { linkWith, parseQueryOptions, sortBy } from './odata';

export const MAIL_READ = ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic'] as const;
export const MAIL_WRITE = ['Mail.ReadWrite'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function folderOrThrow(mailbox: Mailbox, idOrName: string) {
  const folder = mailbox.folder(idOrName);
  if (!folder) throw notFound();
  return folder;
}

/** The message a request names, by the id format it asked for (an id of the other format is not found: assumed). */
export function messageOrThrow(mailbox: Mailbox, id: string, idType: IdType): Message {
  const message = mailbox.find(id, idType);
  if (!message) throw notFound();
  return message;
}

function listMessages(call: GraphCall, items: Message[]): GraphResult {
  const q = parseQueryOptions(call.query);
  const filtered = q.filter ? items.filter((m) => q.filter?.(filterView(m))) : items;
  const sorted = sortBy(filtered, q.orderBy ?? { field: 'receivedDateTime', desc: true });
  const top = q.top ?? 10;
  const page = sorted.slice(q.skip, q.skip + top);
  const base = `${call.ctx.urls.url}${call.path}`;
  const body: Record<string, unknown> = {
    '@odata.context': `${call.ctx.urls.graphUrl}/$metadata#users('${call.user.id}')/messages`,
    value: page.map((m) => messageJson(m, call.idType, q.select, q.expand)),
  };
  if (q.skip + top < sorted.length)
    body['@odata.nextLink'] = linkWith(base, call.query, { $top: String(top), $skip: String(q.skip + top) });
  return { status: 200, body };
}

const PATCHABLE = [
  'subject',
  'body',
  'isRead',
  'categories',
  'flag',
  'importance',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'singleValueExtendedProperties',
];

export function patchMessage(ctx: EmulatorContext, mailbox: Mailbox, message: Message, patch: unknown): Message {
  if (!isRecord(patch)) throw badRequest('Empty Payload. JSON content expected.');
  const parsed = outgoingFromGraph(
    { ...messageJson(message, 'rest', [...PATCHABLE]), ...patch, internetMessageHeaders: [] },
    mailbox.owner,
    message.parentFolderId,
    nowIso(ctx),
  );
  const target = message as unknown as Record<string, unknown>;
  const source = parsed as unknown as Record<string, unknown>;
  for (const key of Object.keys(patch)) {
    if (!PATCHABLE.includes(key)) continue;
    if (key === 'singleValueExtendedProperties') {
      const byId = new Map(message.singleValueExtendedProperties.map((p) => [p.id.toLowerCase(), p]));
      for (const p of parsed.singleValueExtendedProperties) byId.set(p.id.toLowerCase(), p);
      message.singleValueExtendedProperties = [...byId.values()];
    } else {
      target[key] = key === 'isRead' || key === 'flag' ? patch[key] : source[key];
    }
  }
  if ('body' in patch) message.bodyPreview = parsed.bodyPreview;
  return mailbox.touch(message, nowIso(ctx));
}

/** Messages: list/get/create draft/patch/move/delete. */
export function registerMessageRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/messages',
    scopes: MAIL_READ,
    handler: (call) => listMessages(call, [...call.mailbox.messages.values()]),
  });
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/mailFolders/:folder/messages',
    scopes: MAIL_READ,
    handler: (call) => {
      const folder = folderOrThrow(call.mailbox, call.params.folder ?? '');
      return listMessages(call, call.mailbox.inFolder(folder.id));
    },
  });
  const getOne = (call: GraphCall): GraphResult => {
    const q = parseQueryOptions(call.query);
    const message = messageOrThrow(call.mailbox, call.params.id ?? '', call.idType);
    return { status: 200, body: messageJson(message, call.idType, q.select, q.expand) };
  };
  graphRoute(app, ctx, { method: 'GET', path: '/me/messages/:id', scopes: MAIL_READ, handler: getOne });
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/mailFolders/:folder/messages/:id',
    scopes: MAIL_READ,
    handler: getOne,
  });
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/me/messages',
    scopes: MAIL_WRITE,
    handler: (call) => {
      const draft = outgoingFromGraph(call.body, call.mailbox.owner, call.mailbox.wellKnown('drafts').id, nowIso(ctx));
      const stored = call.mailbox.insert(draft);
      return { status: 201, body: messageJson(stored, call.idType) };
    },
  });
  graphRoute(app, ctx, {
    method: 'PATCH',
    path: '/me/messages/:id',
    scopes: MAIL_WRITE,
    handler: (call) => ({
      status: 200,
      body: messageJson(
        patchMessage(ctx, call.mailbox, messageOrThrow(call.mailbox, call.params.id ?? '', call.idType), call.body),
        call.idType,
      ),
    }),
  });
  graphRoute(app, ctx, {
    method: 'DELETE',
    path: '/me/messages/:id',
    scopes: MAIL_WRITE,
    handler: (call) => {
      call.mailbox.delete(messageOrThrow(call.mailbox, call.params.id ?? '', call.idType), nowIso(ctx));
      return { status: 204 };
    },
  });
  // "message: move": 201 with the message in its new folder (a new REST id; the immutable id stays).
  for (const path of ['/me/messages/:id/move', '/me/mailFolders/:folder/messages/:id/move']) {
    graphRoute(app, ctx, {
      method: 'POST',
      path,
      scopes: MAIL_WRITE,
      handler: (call) => {
        const message = messageOrThrow(call.mailbox, call.params.id ?? '', call.idType);
        const dest = isRecord(call.body) && typeof call.body.destinationId === 'string' ? call.body.destinationId : '';
        const folder = call.mailbox.folder(dest);
        if (!folder) throw badRequest('Id is malformed.', 'ErrorInvalidIdMalformed');
        return { status: 201, body: messageJson(call.mailbox.move(message, folder, nowIso(ctx)), call.idType) };
      },
    });
  }
}
