import { mailboxOf, nowIso, type EmulatorContext } from '../context';
import type { User } from '../state/model';
import { internetMessageId, itemId, opaque } from '../util/ids';
import { allRecipients, domainOf, preview, receivedHeaders, recipientOf, type NewMessage } from './message-factory';
import type { Message } from './types';

/** Marker values of a message: every x- header value and single-value extended property value, each once. */
export const markersOf = (m: Pick<Message, 'internetMessageHeaders' | 'singleValueExtendedProperties'>): string[] => [
  ...new Set([
    ...m.internetMessageHeaders.filter((h) => /^x-/i.test(h.name)).map((h) => h.value),
    ...m.singleValueExtendedProperties.map((p) => p.value),
  ]),
];

/** Puts a copy of an outgoing message into every emulated recipient's Inbox. */
function deliverToRecipients(ctx: EmulatorContext, sent: NewMessage): void {
  const now = nowIso(ctx);
  for (const address of new Set(allRecipients(sent))) {
    const recipient = ctx.directory.findUserByEmail(address);
    if (!recipient) continue;
    const box = mailboxOf(ctx, recipient);
    box.insert({
      ...sent,
      id: itemId(),
      parentFolderId: box.wellKnown('inbox').id,
      receivedDateTime: now,
      createdDateTime: now,
      lastModifiedDateTime: now,
      bccRecipients: [],
      isRead: false,
      isDraft: false,
      internetMessageHeaders: receivedHeaders(sent),
      singleValueExtendedProperties: [],
      attachments: sent.attachments.map((a) => ({ ...a })),
      replyContext: undefined,
    });
  }
}

/**
 * Transport takes a submitted message (../transport): stores the Sent Items copy (unless told not to) and delivers.
 * `draft`, when given, is removed from Drafts (the sent copy gets a new id, like Exchange).
 */
export function completeSend(
  ctx: EmulatorContext,
  sender: User,
  message: NewMessage,
  opts: { saveToSentItems: boolean; draft?: Message },
): void {
  const box = mailboxOf(ctx, sender);
  const now = nowIso(ctx);
  const sent: NewMessage = {
    ...message,
    id: itemId(),
    parentFolderId: box.wellKnown('sentitems').id,
    isDraft: false,
    isRead: true,
    sentDateTime: message.sentDateTime ?? now,
    receivedDateTime: now,
    lastModifiedDateTime: now,
  };
  // The Sent Items copy is the draft in a new folder: a new REST id, the draft's immutable id ("Immutable ID with
  // sending mail").
  const immutableId = opts.draft ? box.idOf(opts.draft, 'immutable') : undefined;
  if (opts.draft) box.remove(opts.draft);
  if (opts.saveToSentItems) box.insert(sent, immutableId);
  deliverToRecipients(ctx, sent);
}

export interface DeliverInput {
  from: string | { address: string; name?: string };
  subject: string;
  body?: string | { contentType: 'text' | 'html'; content: string };
  to?: string[];
  conversationId?: string;
  internetMessageId?: string;
  inReplyTo?: string;
  references?: string;
  receivedDateTime?: string;
  isRead?: boolean;
  internetMessageHeaders?: Array<{ name: string; value: string }>;
}

/** An inbound message from outside, straight into the user's Inbox (control API). */
export function deliverInbound(ctx: EmulatorContext, user: User, input: DeliverInput): Message {
  const box = mailboxOf(ctx, user);
  const now = nowIso(ctx);
  const fromAddr = typeof input.from === 'string' ? { address: input.from } : input.from;
  const body =
    typeof input.body === 'object' ? input.body : { contentType: 'text' as const, content: input.body ?? '' };
  const received = input.receivedDateTime ? new Date(input.receivedDateTime).toISOString() : now;
  const draft: NewMessage = {
    id: itemId(),
    parentFolderId: box.wellKnown('inbox').id,
    createdDateTime: now,
    lastModifiedDateTime: now,
    receivedDateTime: received,
    sentDateTime: received,
    internetMessageId: input.internetMessageId ?? internetMessageId(domainOf(fromAddr.address)),
    conversationId: input.conversationId ?? `AAQkAG${opaque(24)}`,
    subject: input.subject,
    body,
    bodyPreview: preview(body),
    from: recipientOf(fromAddr.address, fromAddr.name),
    sender: recipientOf(fromAddr.address, fromAddr.name),
    toRecipients: (input.to ?? [user.email]).map((a) => recipientOf(a)),
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    isRead: input.isRead ?? false,
    isDraft: false,
    hasAttachments: false,
    importance: 'normal',
    categories: [],
    flag: { flagStatus: 'notFlagged' },
    internetMessageHeaders: input.internetMessageHeaders ?? [],
    singleValueExtendedProperties: [],
    attachments: [],
  };
  draft.internetMessageHeaders = receivedHeaders(draft, { inReplyTo: input.inReplyTo, references: input.references });
  return box.insert(draft);
}
