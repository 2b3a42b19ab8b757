import type { Models, SendDoc } from '@outlook-connect/shared';
import type { InboxMessageFields } from './graph-message';
import type { SentRef } from './reply-link';

// The sends new messages could answer, looked up for every run in flight at once: one store query serves all the
// pages waiting for one. On FerretDB a filter without `_id` scans the whole `sends` collection (shared/src/store),
// so N mailboxes receiving mail at the same time cost one scan instead of N running side by side; on MongoDB each
// `$or` branch is served by the {connectionId, status} index either way.

export interface ReplyLookupRequest {
  connectionId: string;
  conversationIds: string[];
  messageIds: string[];
}

export type SentRow = SentRef & Pick<SendDoc, 'connectionId'>;

/** What a page of new messages asks: their conversations and every message id they carry or point at. */
export function replyLookupRequest(connectionId: string, messages: InboxMessageFields[]): ReplyLookupRequest {
  const conversationIds = [...new Set(messages.map((m) => m.conversationId).filter((c): c is string => !!c))];
  const messageIds = [
    ...new Set(
      messages
        .flatMap((m) => [m.internetMessageId, m.inReplyTo, ...(m.references ?? [])])
        .filter((x): x is string => !!x),
    ),
  ];
  return { connectionId, conversationIds, messageIds };
}

/** One filter for several requests: a sent send of a request's connection in one of its conversations or ids. */
export function replyLookupFilter(requests: ReplyLookupRequest[]): Record<string, unknown> | null {
  const branches = requests.flatMap((r) => [
    ...(r.conversationIds.length ? [{ connectionId: r.connectionId, conversationId: { $in: r.conversationIds } }] : []),
    ...(r.messageIds.length ? [{ connectionId: r.connectionId, internetMessageId: { $in: r.messageIds } }] : []),
  ]);
  return branches.length ? { status: 'sent', $or: branches } : null;
}

/** A request's share of the rows a combined query returned (exactly what its own query would have returned). */
export function rowsOf(request: ReplyLookupRequest, rows: SentRow[]): SentRef[] {
  const conversations = new Set(request.conversationIds);
  const ids = new Set(request.messageIds);
  return rows
    .filter(
      (r) =>
        r.connectionId === request.connectionId &&
        ((!!r.conversationId && conversations.has(r.conversationId)) ||
          (!!r.internetMessageId && ids.has(r.internetMessageId))),
    )
    .map(({ _id, internetMessageId, conversationId, sentAt }) => ({ _id, internetMessageId, conversationId, sentAt }));
}

export type SendsLookup = (request: ReplyLookupRequest) => Promise<SentRef[]>;

interface Waiting {
  request: ReplyLookupRequest;
  resolve: (refs: SentRef[]) => void;
  reject: (err: unknown) => void;
}

/**
 * One per worker process. A request made while no query runs goes out on the next turn of the event loop (with the
 * others made in the same turn); requests made while a query runs wait for it and go out together right after.
 */
export function createSendsLookup(models: Pick<Models, 'Send'>): SendsLookup {
  let waiting: Waiting[] = [];
  let running = false;

  const flush = async (): Promise<void> => {
    const batch = waiting;
    waiting = [];
    running = true;
    try {
      const filter = replyLookupFilter(batch.map((w) => w.request));
      const rows = filter
        ? ((await models.Send.find(filter, {
            _id: 1,
            connectionId: 1,
            internetMessageId: 1,
            conversationId: 1,
            sentAt: 1,
          }).lean()) as SentRow[])
        : [];
      for (const w of batch) w.resolve(rowsOf(w.request, rows));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      running = false;
      if (waiting.length) void flush();
    }
  };

  return (request) => {
    if (request.conversationIds.length === 0 && request.messageIds.length === 0) return Promise.resolve([]);
    return new Promise<SentRef[]>((resolve, reject) => {
      waiting.push({ request, resolve, reject });
      if (!running && waiting.length === 1) setImmediate(() => void flush());
    });
  };
}
