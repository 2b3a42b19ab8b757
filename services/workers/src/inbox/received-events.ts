import { eventId, occurrenceHash, type EventData } from '@outlook-connect/queues';
import type { ConnectionDoc } from '@outlook-connect/shared';
import type { InboxMessageFields } from './graph-message';
import { inboxMessageId } from './message-store';
import { replyTargetOf, type SentRef } from './reply-link';

// `message.received`: one per new Inbox message, with what a sequence engine needs to stop a sequence on a reply.

type Conn = Pick<ConnectionDoc, '_id' | 'workspaceId' | 'mailbox' | 'createdAt'>;

/** Slack for clocks: Microsoft stamps receivedDateTime, we stamp createdAt. */
export const ARRIVAL_SKEW_MS = 5 * 60_000;

/**
 * Only mail that arrived while the mailbox was connected is "received": the history the first sync mirrors (up to the
 * initial window) lands in the store without flooding the CRM with events about old mail.
 */
export function isNewArrival(message: Pick<InboxMessageFields, 'receivedAt'>, conn: Pick<Conn, 'createdAt'>): boolean {
  return message.receivedAt.getTime() >= conn.createdAt.getTime() - ARRIVAL_SKEW_MS;
}

/** Stable per connection + Graph id (hashed: Graph ids run to ~150 characters), so a replayed page emits nothing new. */
export function receivedEventId(connectionId: string, graphId: string): string {
  return eventId('message.received', connectionId, occurrenceHash(graphId));
}

export interface ReceivedEvent {
  type: 'message.received';
  id: string;
  workspaceId: string;
  connectionId: string;
  occurredAt: Date;
  data: EventData<'message.received'>;
}

export function receivedEvent(conn: Conn, m: InboxMessageFields, sends: SentRef[]): ReceivedEvent {
  const target = replyTargetOf(m, sends);
  const fromSelf = !!m.from && m.from.address.toLowerCase() === conn.mailbox.toLowerCase();
  return {
    id: receivedEventId(conn._id, m.graphId),
    type: 'message.received',
    workspaceId: conn.workspaceId,
    connectionId: conn._id,
    occurredAt: m.receivedAt,
    data: {
      messageId: inboxMessageId(conn._id, m.graphId),
      graphId: m.graphId,
      conversationId: m.conversationId,
      internetMessageId: m.internetMessageId,
      inReplyTo: m.inReplyTo ?? null,
      references: m.references ?? [],
      from: m.from,
      fromSelf,
      subject: m.subject,
      receivedAt: m.receivedAt.toISOString(),
      inReplyToSendId: fromSelf ? null : (target?._id ?? null),
    },
  };
}
