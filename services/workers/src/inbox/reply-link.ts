import type { SendDoc } from '@outlook-connect/shared';
import type { InboxMessageFields } from './graph-message';

// Links an incoming message to a send of ours: the sequence engine stops a sequence on a reply to it.

export type SentRef = Pick<SendDoc, '_id' | 'internetMessageId' | 'conversationId' | 'sentAt'>;

/**
 * The send this message answers. In-Reply-To is exact; then the newest of our sends it references; then (the primary
 * link, since headers may be absent) the newest send in the same conversation. A copy of our own send (a message to
 * ourselves) answers nothing.
 */
export function replyTargetOf(
  message: Pick<InboxMessageFields, 'internetMessageId' | 'conversationId' | 'inReplyTo' | 'references'>,
  sends: SentRef[],
): SentRef | null {
  if (message.internetMessageId && sends.some((s) => s.internetMessageId === message.internetMessageId)) return null;
  const byMessageId = (id: string | null | undefined) =>
    id ? sends.find((s) => s.internetMessageId === id) : undefined;
  const direct = byMessageId(message.inReplyTo);
  if (direct) return direct;
  for (const ref of [...(message.references ?? [])].reverse()) {
    const referenced = byMessageId(ref);
    if (referenced) return referenced;
  }
  if (!message.conversationId) return null;
  const inConversation = sends
    .filter((s) => s.conversationId === message.conversationId)
    .sort((a, b) => (b.sentAt?.getTime() ?? 0) - (a.sentAt?.getTime() ?? 0));
  return inConversation[0] ?? null;
}
