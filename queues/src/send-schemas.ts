import { z } from 'zod';
import { MAX_METADATA_BYTES, metadataSchema } from './metadata-schema';

// What producers may hand us to send. Validated by the producer client (and the gateway) and again by the worker.

/** Exchange Online's per-message recipient limit (to + cc + bcc). */
export const MAX_RECIPIENTS = 500;
/**
 * Inline attachments (base64 in the request, kept in the send record) are for small files: 3 MB of base64 in total.
 * Larger files are uploaded first (POST /v1/connections/{id}/attachments, or the attachment client) and named by id.
 */
export const MAX_ATTACHMENTS_BASE64_BYTES = 3 * 1024 * 1024;
export const MAX_BODY_CHARS = 1_000_000;
export const MAX_ATTACHMENTS = 50;
/** Exchange Online's default maximum message size (attachments included); tenants can raise it up to 150 MB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 35 * 1024 * 1024;
export const MAX_MESSAGE_BYTES_CEILING = 150 * 1024 * 1024;
/**
 * The largest send request the schema allows, as JSON bytes: the inline attachments, a body of MAX_BODY_CHARS
 * (at most 6 bytes each once JSON-escaped), and room for recipients, subject, references and metadata.
 */
export const MAX_SEND_REQUEST_BYTES =
  MAX_ATTACHMENTS_BASE64_BYTES + MAX_BODY_CHARS * 6 + MAX_RECIPIENTS * 1024 + MAX_METADATA_BYTES + 64 * 1024;

const addressSchema = z.object({ address: z.email(), name: z.string().max(256).optional() });
/** `"a@b.com"` is shorthand for `{address: "a@b.com"}`. */
const recipientSchema = z.union([z.email().transform((address) => ({ address })), addressSchema]);
const recipientsSchema = z.array(recipientSchema);

const inlineAttachmentSchema = z.object({
  name: z.string().trim().min(1).max(255),
  contentType: z.string().min(1).max(255).default('application/octet-stream'),
  contentBase64: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
    .refine((s) => s.length % 4 === 0, 'must be base64 (length a multiple of 4)'),
});
/** A file uploaded first; its size counts against the maximum message size when the send is queued. */
export const attachmentRefSchema = z
  .object({
    attachmentId: z.string().regex(/^att_[a-f0-9]{24}$/, 'an att_ id'),
    // Filled in from the upload when the send is queued (whatever a producer puts here is replaced).
    name: z.string().max(255).optional(),
    contentType: z.string().max(255).optional(),
    size: z.number().int().nonnegative().optional(),
  })
  .strict();
const attachmentSchema = z.union([inlineAttachmentSchema, attachmentRefSchema]);

export const outgoingMessageSchema = z
  .object({
    to: recipientsSchema.min(1, 'at least one recipient'),
    cc: recipientsSchema.optional(),
    bcc: recipientsSchema.optional(),
    replyTo: recipientsSchema.optional(),
    subject: z.string().max(998),
    body: z.object({ contentType: z.enum(['html', 'text']), content: z.string().max(MAX_BODY_CHARS) }),
    /** Graph id of an earlier message of the same mailbox: the send goes out as a reply to it (same thread). */
    replyToMessageId: z.string().min(1).max(512).optional(),
    attachments: z.array(attachmentSchema).max(MAX_ATTACHMENTS).optional(),
  })
  .superRefine((m, ctx) => {
    const recipients = recipientCount(m);
    if (recipients > MAX_RECIPIENTS)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `at most ${MAX_RECIPIENTS} recipients in to, cc and bcc together (got ${recipients})`,
      });
    const size = (m.attachments ?? []).reduce((n, a) => n + ('contentBase64' in a ? a.contentBase64.length : 0), 0);
    if (size > MAX_ATTACHMENTS_BASE64_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['attachments'],
        message: `inline attachments must total at most ${MAX_ATTACHMENTS_BASE64_BYTES} bytes of base64 (got ${size}); upload larger files first and send their attachmentId`,
      });
    }
  });

export type OutgoingMessageInput = z.input<typeof outgoingMessageSchema>;
export type ValidOutgoingMessage = z.output<typeof outgoingMessageSchema>;

export function recipientCount(m: { to: unknown[]; cc?: unknown[]; bcc?: unknown[] }): number {
  return m.to.length + (m.cc?.length ?? 0) + (m.bcc?.length ?? 0);
}

export const sendSources = ['sequence', 'ai_sdr', 'test', 'other'] as const;

export const enqueueSendInputSchema = z.object({
  workspaceId: z.string().min(1).max(100),
  connectionId: z.string().regex(/^conn_[a-f0-9]{24}$/, 'a conn_ id'),
  /** Same key on the same connection -> the same send, for as long as the send record exists. */
  idempotencyKey: z.string().min(1).max(200),
  message: outgoingMessageSchema,
  source: z.enum(sendSources),
  /** Not before this time (cadences); absent or past = now. */
  sendAt: z.coerce.date().optional(),
  /** Echoed back in send.* events. */
  metadata: metadataSchema.default({}),
});

export type EnqueueSendInput = z.input<typeof enqueueSendInputSchema>;
export type ValidEnqueueSendInput = z.output<typeof enqueueSendInputSchema>;
