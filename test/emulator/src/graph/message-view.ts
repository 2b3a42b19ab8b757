import type { IdType } from '../mailbox/mailbox';
import type { FileAttachment, Message } from '../mailbox/types';
import { project } from './odata';

/** Properties Graph returns for a message when there is no $select (no headers, no extended properties). */
export const MESSAGE_DEFAULTS = [
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'body',
  'sender',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'flag',
] as const;

/**
 * The Graph JSON of a message, its id in the format the request asked for; `expand` may ask for
 * singleValueExtendedProperties($filter=id eq '...').
 */
export function messageJson(m: Message, idType: IdType, select?: string[], expand?: string): Record<string, unknown> {
  const {
    seq: _seq,
    immutableId,
    singleValueExtendedProperties,
    internetMessageHeaders,
    attachments,
    replyContext: _rc,
    ...rest
  } = m;
  const full: Record<string, unknown> = {
    '@odata.etag': `W/"${m.changeKey}"`,
    ...rest,
    id: idType === 'immutable' ? immutableId : m.id,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    inferenceClassification: 'focused',
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    internetMessageHeaders,
  };
  const projected = project(full, select, MESSAGE_DEFAULTS);
  if (expand && /singleValueExtendedProperties/i.test(expand)) {
    const idFilter = /id\s+eq\s+'((?:[^']|'')*)'/i.exec(expand)?.[1]?.replace(/''/g, "'");
    const props = idFilter
      ? singleValueExtendedProperties.filter((p) => p.id.toLowerCase() === idFilter.toLowerCase())
      : singleValueExtendedProperties;
    if (props.length) projected.singleValueExtendedProperties = props;
  }
  if (expand && /\battachments\b/i.test(expand)) projected.attachments = attachments.map(attachmentJson);
  return projected;
}

export const attachmentJson = (a: FileAttachment): Record<string, unknown> => ({
  '@odata.type': '#microsoft.graph.fileAttachment',
  ...a,
});

/** What $filter sees: the full message including headers and extended properties. */
export const filterView = (m: Message): Record<string, unknown> => m as unknown as Record<string, unknown>;
