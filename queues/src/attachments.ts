import { isAttachmentRef, type AttachmentDoc, type Models, type OutgoingMessage } from '@outlook-connect/shared';
import { z } from 'zod';
import { readAttachment, removeAttachments, removeAttachmentsOfSend, storeAttachment } from './attachment-store';
import { parseInput } from './calendar';
import { InvalidPayloadError } from './queue-client';
import { DEFAULT_MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES_CEILING } from './send-schemas';

// The producer side of large attachments: upload the bytes first (kept in the store, never in a job or Redis), then
// name them in a send by attachmentId. Removed when the send finishes, and by the sweep.

export class AttachmentTooLargeError extends Error {
  override name = 'AttachmentTooLargeError';
  constructor(
    readonly limitBytes: number,
    readonly size: number,
  ) {
    super(`the attachment has ${size} bytes; the maximum message size is ${limitBytes} bytes`);
  }
}

export class AttachmentNotFoundError extends Error {
  override name = 'AttachmentNotFoundError';
  constructor(readonly attachmentId: string) {
    super(`attachment ${attachmentId} not found`);
  }
}

/** The attachment already belongs to another send (an attachment is used by one send). */
export class AttachmentInUseError extends Error {
  override name = 'AttachmentInUseError';
  constructor(
    readonly attachmentId: string,
    readonly sendId: string,
  ) {
    super(`attachment ${attachmentId} is already used by send ${sendId}`);
  }
}

export const uploadAttachmentInputSchema = z.object({
  workspaceId: z.string().min(1).max(100),
  connectionId: z.string().regex(/^conn_[a-f0-9]{24}$/, 'a conn_ id'),
  name: z.string().trim().min(1).max(255),
  contentType: z.string().min(1).max(255).default('application/octet-stream'),
  content: z
    .custom<Uint8Array<ArrayBufferLike>>((v) => v instanceof Uint8Array, 'must be bytes')
    .refine((b) => b.byteLength > 0, 'must not be empty'),
});
export type UploadAttachmentInput = z.input<typeof uploadAttachmentInputSchema>;

/** The maximum message size a deployment allows (35 MB default, at most Exchange Online's 150 MB). */
export function maxMessageBytesOf(value: number | undefined): number {
  const v = value ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isInteger(v) || v <= 0 || v > MAX_MESSAGE_BYTES_CEILING)
    throw new RangeError(`maxMessageBytes must be 1..${MAX_MESSAGE_BYTES_CEILING}`);
  return v;
}

export interface AttachmentClient {
  readonly maxMessageBytes: number;
  uploadAttachment(input: UploadAttachmentInput): Promise<AttachmentDoc>;
  getAttachment(workspaceId: string, attachmentId: string): Promise<AttachmentDoc>;
}

export function createAttachmentClient(opts: { models: Models; maxMessageBytes?: number }): AttachmentClient {
  const maxMessageBytes = maxMessageBytesOf(opts.maxMessageBytes);
  return {
    maxMessageBytes,
    async uploadAttachment(input) {
      const v = parseInput(uploadAttachmentInputSchema, input, 'attachment');
      if (v.content.byteLength > maxMessageBytes)
        throw new AttachmentTooLargeError(maxMessageBytes, v.content.byteLength);
      const conn = await opts.models.Connection.findById(v.connectionId, { workspaceId: 1 }).lean<{
        workspaceId: string;
      }>();
      if (conn?.workspaceId !== v.workspaceId) throw new AttachmentNotFoundError(v.connectionId);
      return storeAttachment(opts.models, v);
    },
    async getAttachment(workspaceId, attachmentId) {
      const found = await opts.models.Attachment.findOne({
        _id: attachmentId,
        workspaceId,
        status: 'ready',
      }).lean<AttachmentDoc>();
      if (!found) throw new AttachmentNotFoundError(attachmentId);
      return found;
    },
  };
}

const inlineBytes = (base64: string) =>
  Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

/**
 * The attachments a send names, checked before it is queued: each ready, of this workspace and connection, not
 * used by another send, and all files together within the maximum message size. Issues name the field.
 */
export async function resolveAttachmentRefs(
  models: Pick<Models, 'Attachment'>,
  owner: { workspaceId: string; connectionId: string },
  message: Pick<OutgoingMessage, 'attachments'>,
  maxMessageBytes: number,
): Promise<AttachmentDoc[]> {
  const list = message.attachments ?? [];
  const refs = list
    .map((a, i) => (isAttachmentRef(a) ? { i, id: a.attachmentId } : null))
    .filter((r): r is { i: number; id: string } => r !== null);
  const found = refs.length
    ? await models.Attachment.find({ _id: { $in: refs.map((r) => r.id) } }).lean<AttachmentDoc[]>()
    : [];
  const byId = new Map(found.map((a) => [a._id, a]));
  const issues: Array<{ path: string; message: string }> = [];
  const docs: AttachmentDoc[] = [];
  for (const r of refs) {
    const a = byId.get(r.id);
    if (!a || a.workspaceId !== owner.workspaceId || a.connectionId !== owner.connectionId || a.status !== 'ready') {
      issues.push({
        path: `message.attachments.${r.i}.attachmentId`,
        message: `no uploaded attachment ${r.id} on this connection`,
      });
    } else if (docs.some((d) => d._id === a._id)) {
      issues.push({ path: `message.attachments.${r.i}.attachmentId`, message: `attachment ${r.id} is named twice` });
    } else docs.push(a);
  }
  const total =
    docs.reduce((n, a) => n + a.size, 0) +
    list.reduce((n, a) => n + ('contentBase64' in a ? inlineBytes(a.contentBase64) : 0), 0);
  if (total > maxMessageBytes)
    issues.push({
      path: 'message.attachments',
      message: `attachments total ${total} bytes; the maximum message size is ${maxMessageBytes} bytes`,
    });
  if (issues.length) throw new InvalidPayloadError('send', issues);
  return docs;
}

/** The message as stored: each attachmentId with its file's name, type and size beside it. */
export function withAttachmentDetails<M extends Pick<OutgoingMessage, 'attachments'>>(
  message: M,
  docs: AttachmentDoc[],
): M {
  if (!docs.length) return message;
  const byId = new Map(docs.map((d) => [d._id, d]));
  return {
    ...message,
    attachments: (message.attachments ?? []).map((a) => {
      const d = isAttachmentRef(a) ? byId.get(a.attachmentId) : undefined;
      return d ? { attachmentId: d._id, name: d.name, contentType: d.contentType, size: d.size } : a;
    }),
  };
}

/** Marks the attachments as this send's; throws AttachmentInUseError naming one another send already uses. */
export async function claimAttachments(
  models: Pick<Models, 'Attachment'>,
  docs: AttachmentDoc[],
  sendId: string,
): Promise<void> {
  for (const a of docs) {
    const claimed = await models.Attachment.updateOne(
      { _id: a._id, $or: [{ sendId: null }, { sendId }] },
      { $set: { sendId } },
    );
    if (claimed.matchedCount === 0) {
      const now = await models.Attachment.findById(a._id).lean<AttachmentDoc>();
      throw new AttachmentInUseError(a._id, now?.sendId ?? 'unknown');
    }
  }
}

/** Unused uploads are kept this long; an upload that never completed, this long. */
export const UNUSED_ATTACHMENT_TTL_MS = 24 * 3600_000;
export const STALLED_UPLOAD_TTL_MS = 3600_000;
const FINISHED = new Set(['sent', 'failed', 'canceled']);

/** The sweep: removes unused uploads past their TTL, stalled uploads, and attachments of finished or vanished sends. */
export async function sweepAttachments(
  models: Pick<Models, 'Attachment' | 'AttachmentChunk' | 'Send'>,
  nowMs: number,
): Promise<number> {
  const all = await models.Attachment.find({}, { _id: 1, chunkCount: 1, status: 1, sendId: 1, createdAt: 1 }).lean<
    AttachmentDoc[]
  >();
  const sendIds = [...new Set(all.map((a) => a.sendId).filter((s): s is string => s !== null))];
  const sends = sendIds.length
    ? await models.Send.find({ _id: { $in: sendIds } }, { status: 1 }).lean<Array<{ _id: string; status: string }>>()
    : [];
  const status = new Map(sends.map((s) => [s._id, s.status]));
  const age = (a: AttachmentDoc) => nowMs - new Date(a.createdAt).getTime();
  const gone = all.filter((a) => {
    if (a.status === 'uploading') return age(a) > STALLED_UPLOAD_TTL_MS;
    if (a.sendId === null) return age(a) > UNUSED_ATTACHMENT_TTL_MS;
    const s = status.get(a.sendId);
    // A claim whose send was never created (a crash in enqueueSend) is treated like an unused upload.
    return s === undefined ? age(a) > UNUSED_ATTACHMENT_TTL_MS : FINISHED.has(s);
  });
  return removeAttachments(models, gone);
}

export { readAttachment, removeAttachmentsOfSend };
