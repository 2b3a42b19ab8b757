import type { Models, SendDoc } from '@outlook-connect/shared';
import { lookupKeysOf, sendIdsUnder } from '../send/reply-keys';
import type { InboxMessageFields } from './graph-message';
import type { SentRef } from './reply-link';

// The sends new messages could answer, found by `_id` only (FerretDB indexes nothing else): the reply keys of the
// page's ids and conversations (`_id $in`, ../send/reply-keys.ts), then the sends they name (`_id $in`), kept when
// sent and still carrying what was asked. Its cost follows the pages, not the number of stored sends. The lookups of
// every run in flight go out together: one pair of reads serves all the pages waiting for one.

export interface ReplyLookupRequest {
  connectionId: string;
  conversationIds: string[];
  messageIds: string[];
}

export type SentRow = SentRef & Pick<SendDoc, 'connectionId' | 'status'>;

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

/** The reply keys several requests ask for, each once. */
export function replyLookupKeys(requests: ReplyLookupRequest[]): string[] {
  return [...new Set(requests.flatMap((r) => lookupKeysOf(r.connectionId, r.messageIds, r.conversationIds)))];
}

/**
 * A request's share of the sends a combined lookup read: the sent ones of its connection in one of its conversations
 * or ids (a key is a hint: a send that no longer carries the id, or is not sent, is not a reply target).
 */
export function rowsOf(request: ReplyLookupRequest, rows: SentRow[]): SentRef[] {
  const conversations = new Set(request.conversationIds);
  const ids = new Set(request.messageIds);
  return rows
    .filter(
      (r) =>
        r.status === 'sent' &&
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
 * One per worker process. A request made while no lookup runs goes out on the next turn of the event loop (with the
 * others made in the same turn); requests made while a lookup runs wait for it and go out together right after.
 */
export function createSendsLookup(models: Pick<Models, 'Send' | 'ReplyKey'>): SendsLookup {
  let waiting: Waiting[] = [];
  let running = false;

  const flush = async (): Promise<void> => {
    const batch = waiting;
    waiting = [];
    running = true;
    try {
      const sendIds = await sendIdsUnder(models, replyLookupKeys(batch.map((w) => w.request)));
      const rows = sendIds.length
        ? ((await models.Send.find(
            { _id: { $in: sendIds } },
            { _id: 1, connectionId: 1, status: 1, internetMessageId: 1, conversationId: 1, sentAt: 1 },
          ).lean()) as SentRow[])
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
