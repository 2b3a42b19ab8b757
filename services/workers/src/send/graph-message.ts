import { isAttachmentRef, type InlineAttachment, type OutgoingMessage } from '@outlook-connect/shared';

// How a send looks to Graph. The marker rides in one single-value extended property (filterable, unlike
// internetMessageHeaders), set when the message is created, so a retry can find what an earlier attempt did.

/** Our named MAPI string property; the GUID is ours, fixed forever (changing it would orphan in-flight markers). */
export const MARKER_PROPERTY_ID = 'String {7d1f3b52-9c4e-4a8b-b6f0-3e2a91c5d847} Name x-oc-send-id';

const recipients = (list: OutgoingMessage['to'] | undefined) =>
  (list ?? []).map((r) => ({ emailAddress: r.name ? { address: r.address, name: r.name } : { address: r.address } }));

/** The Graph `message` resource of a send, carrying its marker. */
export function toGraphMessage(message: OutgoingMessage, marker: string): Record<string, unknown> {
  const graph: Record<string, unknown> = {
    subject: message.subject,
    body: { contentType: message.body.contentType === 'html' ? 'HTML' : 'Text', content: message.body.content },
    toRecipients: recipients(message.to),
    ccRecipients: recipients(message.cc),
    bccRecipients: recipients(message.bcc),
    singleValueExtendedProperties: [{ id: MARKER_PROPERTY_ID, value: marker }],
  };
  if (message.replyTo?.length) graph.replyTo = recipients(message.replyTo);
  // Uploaded files (attachmentId) go onto the draft afterwards (large-attachments.ts); inline ones ride along here.
  const inline = (message.attachments ?? []).filter((a): a is InlineAttachment => !isAttachmentRef(a));
  if (inline.length) {
    graph.attachments = inline.map((a) => ({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: a.name,
      contentType: a.contentType,
      contentBytes: a.contentBase64,
    }));
  }
  return graph;
}

/** OData string literal: a quote is doubled. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** $filter that finds the messages (any folder: Drafts, Outbox, Sent Items) carrying a marker. */
export function markerFilter(marker: string): string {
  return `singleValueExtendedProperties/Any(ep: ep/id eq ${literal(MARKER_PROPERTY_ID)} and ep/value eq ${literal(marker)})`;
}

export function recipientTotal(message: Pick<OutgoingMessage, 'to' | 'cc' | 'bcc'>): number {
  return message.to.length + (message.cc?.length ?? 0) + (message.bcc?.length ?? 0);
}
