import type { InboxMessageDoc, Models } from '@outlook-connect/shared';
import { ApiError } from '../http/api-error';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor';

/** One page of the inbox view (messages synced by the inbox worker), newest first. */
export async function inboxPage(
  models: Pick<Models, 'InboxMessage'>,
  q: { workspaceId: string; connectionId: string; cursor?: string | undefined; limit: number },
) {
  const filter: Record<string, unknown> = { workspaceId: q.workspaceId, connectionId: q.connectionId };
  if (q.cursor) {
    const after = decodeInboxCursor(q.cursor);
    if (!after)
      throw new ApiError(400, 'invalid_request', 'query.cursor: is not a cursor this API returned', {
        issues: [{ field: 'query.cursor', reason: 'is not a cursor this API returned' }],
      });
    filter.$or = [{ receivedAt: { $lt: after.receivedAt } }, { receivedAt: after.receivedAt, _id: { $lt: after.id } }];
  }
  const docs = await models.InboxMessage.find(filter)
    .sort({ receivedAt: -1, _id: -1 })
    .limit(q.limit + 1)
    .lean();
  const page = docs.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(messageView),
    nextCursor: docs.length > q.limit && last ? encodeInboxCursor(last.receivedAt, last._id) : null,
  };
}

function messageView(m: InboxMessageDoc) {
  return {
    id: m._id,
    graphId: m.graphId,
    conversationId: m.conversationId,
    from: m.from,
    to: m.to,
    subject: m.subject,
    bodyPreview: m.bodyPreview,
    receivedAt: new Date(m.receivedAt).toISOString(),
    isRead: m.isRead,
    hasAttachments: m.hasAttachments,
    webLink: m.webLink,
  };
}
