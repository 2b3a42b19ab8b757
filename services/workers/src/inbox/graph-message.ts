import type { EmailAddress, InboxMessageDoc } from '@outlook-connect/shared';

// Graph message -> the fields of an InboxMessage we store. Pure; the store layer adds ids and the generation.

/** The Graph fields we store; internetMessageHeaders only when the policy reads headers (it costs payload). */
export function messageSelect(readHeaders: boolean): string[] {
  const fields = [
    'id',
    'internetMessageId',
    'conversationId',
    'from',
    'toRecipients',
    'ccRecipients',
    'subject',
    'bodyPreview',
    'receivedDateTime',
    'isRead',
    'hasAttachments',
    'webLink',
  ];
  return readHeaders ? [...fields, 'internetMessageHeaders'] : fields;
}

export interface GraphRecipient {
  emailAddress?: { address?: string | null; name?: string | null } | null;
}

export interface GraphMessage {
  id: string;
  internetMessageId?: string | null;
  conversationId?: string | null;
  from?: GraphRecipient | null;
  toRecipients?: GraphRecipient[] | null;
  ccRecipients?: GraphRecipient[] | null;
  subject?: string | null;
  bodyPreview?: string | null;
  receivedDateTime?: string | null;
  isRead?: boolean | null;
  hasAttachments?: boolean | null;
  webLink?: string | null;
  internetMessageHeaders?: Array<{ name?: string | null; value?: string | null }> | null;
}

export type InboxMessageFields = Pick<
  InboxMessageDoc,
  | 'graphId'
  | 'internetMessageId'
  | 'conversationId'
  | 'from'
  | 'to'
  | 'cc'
  | 'subject'
  | 'bodyPreview'
  | 'receivedAt'
  | 'isRead'
  | 'hasAttachments'
  | 'webLink'
> &
  /** Present only when Graph returned internetMessageHeaders; otherwise a re-sync must not blank what we have. */
  Partial<Pick<InboxMessageDoc, 'inReplyTo' | 'references'>>;

export class InvalidGraphMessageError extends Error {
  override name = 'InvalidGraphMessageError';
}

function address(r: GraphRecipient | null | undefined): EmailAddress | null {
  const a = r?.emailAddress?.address?.trim();
  if (!a) return null;
  const name = r?.emailAddress?.name?.trim();
  return name && name !== a ? { address: a, name } : { address: a };
}

function addresses(list: GraphRecipient[] | null | undefined): EmailAddress[] {
  return (list ?? []).map(address).filter((a): a is EmailAddress => a !== null);
}

/** Message-IDs in a header value (`<a@b> <c@d>`), angle brackets kept as Graph's internetMessageId has them. */
export function messageIdsIn(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids = value.match(/<[^<>\s]+>/g);
  return ids ?? [];
}

function header(m: GraphMessage, name: string): string | null {
  const lower = name.toLowerCase();
  const found = (m.internetMessageHeaders ?? []).find((h) => h.name?.toLowerCase() === lower);
  return found?.value ?? null;
}

/**
 * Maps one delta item. A message without a usable receivedDateTime cannot be placed in the inbox view: that is
 * Microsoft sending something we do not understand, so it fails loudly instead of being stored with a made-up time.
 */
export function toInboxMessage(m: GraphMessage): InboxMessageFields {
  const receivedAt = m.receivedDateTime ? new Date(m.receivedDateTime) : null;
  if (!receivedAt || Number.isNaN(receivedAt.getTime())) {
    throw new InvalidGraphMessageError(`message ${m.id} has no valid receivedDateTime`);
  }
  const fields: InboxMessageFields = {
    graphId: m.id,
    internetMessageId: m.internetMessageId ?? null,
    conversationId: m.conversationId ?? null,
    from: address(m.from),
    to: addresses(m.toRecipients),
    cc: addresses(m.ccRecipients),
    subject: m.subject ?? '',
    bodyPreview: m.bodyPreview ?? '',
    receivedAt,
    isRead: m.isRead === true,
    hasAttachments: m.hasAttachments === true,
    webLink: m.webLink ?? null,
  };
  if (Array.isArray(m.internetMessageHeaders)) {
    fields.inReplyTo = messageIdsIn(header(m, 'In-Reply-To'))[0] ?? null;
    fields.references = messageIdsIn(header(m, 'References'));
  }
  return fields;
}
