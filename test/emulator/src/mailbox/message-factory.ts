import { GraphError, badRequest } from '../graph/graph-error';
import { internetMessageId, itemId, opaque } from '../util/ids';
import type { MailboxOwner } from './mailbox';
import type {
  FileAttachment,
  InternetMessageHeader,
  ItemBody,
  Message,
  Recipient,
  SingleValueExtendedProperty,
} from './types';

/** A message before the mailbox stores it: the mailbox assigns its immutable id, change key and sequence number. */
export type NewMessage = Omit<Message, 'seq' | 'changeKey' | 'immutableId'>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

export const domainOf = (email: string): string => email.split('@')[1] ?? 'emulator.local';

export const recipientOf = (address: string, name?: string): Recipient => ({
  emailAddress: { name: name ?? address, address },
});

function parseRecipients(value: unknown, field: string): Recipient[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`Invalid value for property '${field}'.`, 'RequestBodyRead');
  return value.map((item) => {
    const email = isRecord(item) && isRecord(item.emailAddress) ? item.emailAddress : undefined;
    const address = typeof email?.address === 'string' ? email.address.trim() : '';
    if (!EMAIL_RE.test(address))
      throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    return recipientOf(address, typeof email?.name === 'string' ? email.name : undefined);
  });
}

function parseBody(value: unknown): ItemBody {
  if (!isRecord(value)) return { contentType: 'text', content: '' };
  const type = typeof value.contentType === 'string' && value.contentType.toLowerCase() === 'html' ? 'html' : 'text';
  return { contentType: type, content: typeof value.content === 'string' ? value.content : '' };
}

function parseHeaders(value: unknown): InternetMessageHeader[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw badRequest("Invalid value for property 'internetMessageHeaders'.", 'RequestBodyRead');
  return value.map((h) => {
    const name = isRecord(h) && typeof h.name === 'string' ? h.name : '';
    if (!/^x-/i.test(name)) {
      throw new GraphError(
        400,
        'InvalidInternetMessageHeader',
        `The internet message header name '${name}' should start with 'x-' or 'X-'.`,
      );
    }
    return { name, value: isRecord(h) && typeof h.value === 'string' ? h.value : '' };
  });
}

export function parseExtendedProps(value: unknown): SingleValueExtendedProperty[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw badRequest("Invalid value for property 'singleValueExtendedProperties'.", 'RequestBodyRead');
  return value.map((p) => {
    if (!isRecord(p) || typeof p.id !== 'string')
      throw badRequest('The extended property id is missing.', 'ErrorInvalidExtendedProperty');
    return { id: p.id, value: typeof p.value === 'string' ? p.value : String(p.value ?? '') };
  });
}

/** fileAttachment objects as Graph takes them (name, contentType, contentBytes base64). */
export function parseAttachments(value: unknown, nowIso: string): FileAttachment[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("Invalid value for property 'attachments'.", 'RequestBodyRead');
  return value.map((a) => {
    if (!isRecord(a) || typeof a.name !== 'string')
      throw badRequest('The attachment name is missing.', 'ErrorInvalidRequest');
    const type = typeof a['@odata.type'] === 'string' ? a['@odata.type'] : '#microsoft.graph.fileAttachment';
    if (type.toLowerCase() !== '#microsoft.graph.fileattachment')
      throw badRequest(`Attachment type ${type} is not supported by the emulator.`, 'ErrorInvalidRequest');
    const contentBytes = typeof a.contentBytes === 'string' ? a.contentBytes : '';
    return {
      id: `AAMkAGAtt${opaque(18)}`,
      name: a.name,
      contentType: typeof a.contentType === 'string' ? a.contentType : 'application/octet-stream',
      size: Buffer.from(contentBytes, 'base64').length,
      isInline: a.isInline === true,
      contentBytes,
      lastModifiedDateTime: nowIso,
    };
  });
}

export const preview = (body: ItemBody): string =>
  (body.contentType === 'html' ? body.content.replace(/<[^>]*>/g, ' ') : body.content)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);

/** A message the owner writes through Graph (draft or sendMail payload). */
export function outgoingFromGraph(input: unknown, owner: MailboxOwner, folderId: string, nowIso: string): NewMessage {
  if (!isRecord(input)) throw badRequest('Empty Payload. JSON content expected.', 'ErrorInvalidRequest');
  const body = parseBody(input.body);
  const me = recipientOf(owner.email, owner.displayName);
  const attachments = parseAttachments(input.attachments, nowIso);
  return {
    id: itemId(),
    parentFolderId: folderId,
    createdDateTime: nowIso,
    lastModifiedDateTime: nowIso,
    receivedDateTime: nowIso,
    sentDateTime: null,
    internetMessageId: internetMessageId(domainOf(owner.email)),
    conversationId: `AAQkAG${opaque(24)}`,
    subject: typeof input.subject === 'string' ? input.subject : '',
    body,
    bodyPreview: preview(body),
    from: me,
    sender: me,
    toRecipients: parseRecipients(input.toRecipients, 'toRecipients'),
    ccRecipients: parseRecipients(input.ccRecipients, 'ccRecipients'),
    bccRecipients: parseRecipients(input.bccRecipients, 'bccRecipients'),
    replyTo: parseRecipients(input.replyTo, 'replyTo'),
    isRead: true,
    isDraft: true,
    hasAttachments: attachments.length > 0,
    importance: input.importance === 'high' || input.importance === 'low' ? input.importance : 'normal',
    categories: Array.isArray(input.categories)
      ? input.categories.filter((c): c is string => typeof c === 'string')
      : [],
    flag: { flagStatus: 'notFlagged' },
    internetMessageHeaders: parseHeaders(input.internetMessageHeaders),
    singleValueExtendedProperties: parseExtendedProps(input.singleValueExtendedProperties),
    attachments,
  };
}

export const allRecipients = (m: Pick<Message, 'toRecipients' | 'ccRecipients' | 'bccRecipients'>): string[] =>
  [...m.toRecipients, ...m.ccRecipients, ...m.bccRecipients].map((r) => r.emailAddress.address.toLowerCase());

/** The headers a received copy shows: the standard ones plus the sender's custom x- headers. */
export function receivedHeaders(
  m: NewMessage,
  extra: { inReplyTo?: string; references?: string } = m.replyContext ?? {},
): InternetMessageHeader[] {
  const list = (rs: Recipient[]): string => rs.map((r) => r.emailAddress.address).join(', ');
  const headers: InternetMessageHeader[] = [
    { name: 'From', value: m.from ? `${m.from.emailAddress.name ?? ''} <${m.from.emailAddress.address}>` : '' },
    { name: 'To', value: list(m.toRecipients) },
    { name: 'Subject', value: m.subject },
    { name: 'Date', value: new Date(m.sentDateTime ?? m.receivedDateTime).toUTCString() },
    { name: 'Message-ID', value: m.internetMessageId },
  ];
  if (m.ccRecipients.length) headers.push({ name: 'Cc', value: list(m.ccRecipients) });
  if (extra.inReplyTo) headers.push({ name: 'In-Reply-To', value: extra.inReplyTo });
  if (extra.references) headers.push({ name: 'References', value: extra.references });
  headers.push(
    { name: 'MIME-Version', value: '1.0' },
    {
      name: 'Content-Type',
      value: m.body.contentType === 'html' ? 'text/html; charset="utf-8"' : 'text/plain; charset="utf-8"',
    },
  );
  return [...headers, ...m.internetMessageHeaders.filter((h) => /^x-/i.test(h.name))];
}
