import { createHash } from 'node:crypto';
import { attachmentChunkId, newId, type AttachmentDoc, type Models } from '@outlook-connect/shared';

// Attachment bytes in the store: chunk rows written before the record says ready, read and removed by `_id` (the
// only filter FerretDB serves from an index). Single-document writes only; a crash leaves an `uploading` record the
// sweep removes.

type AttachmentModels = Pick<Models, 'Attachment' | 'AttachmentChunk'>;

/** 4 MiB per chunk row: far under the 16 MB document limit, few rows per file. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/** Chunk rows per insertMany (about 16 MB per batch). */
const INSERT_BATCH = 4;

export interface NewAttachment {
  workspaceId: string;
  connectionId: string;
  name: string;
  contentType: string;
  content: Uint8Array;
}

export async function storeAttachment(models: AttachmentModels, input: NewAttachment): Promise<AttachmentDoc> {
  const _id = newId('att');
  const bytes = Buffer.from(input.content.buffer, input.content.byteOffset, input.content.byteLength);
  const chunkCount = Math.ceil(bytes.length / CHUNK_BYTES);
  await models.Attachment.create({
    _id,
    workspaceId: input.workspaceId,
    connectionId: input.connectionId,
    name: input.name,
    contentType: input.contentType,
    size: bytes.length,
    status: 'uploading',
    chunkCount,
  });
  for (let n = 0; n < chunkCount; n += INSERT_BATCH) {
    const rows = [];
    for (let i = n; i < Math.min(n + INSERT_BATCH, chunkCount); i++) {
      rows.push({
        _id: attachmentChunkId(_id, i),
        attachmentId: _id,
        n: i,
        data: bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES),
      });
    }
    await models.AttachmentChunk.collection.insertMany(rows as never[], { ordered: true });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const ready = await models.Attachment.findOneAndUpdate(
    { _id },
    { $set: { status: 'ready', sha256 } },
    { returnDocument: 'after' },
  ).lean<AttachmentDoc>();
  if (!ready) throw new Error(`attachment ${_id} vanished while it was being stored`);
  return ready;
}

/** A chunk's bytes as the driver hands them back: a Buffer, a Uint8Array, or a BSON Binary. */
function bytesOf(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  const binary = v as { buffer?: unknown; position?: number };
  if (binary.buffer instanceof Uint8Array) {
    const inner = binary.buffer.subarray(0, binary.position ?? binary.buffer.length);
    return Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  }
  throw new Error('an attachment chunk without bytes');
}

/** The bytes of a ready attachment, in order. */
export async function readAttachment(
  models: AttachmentModels,
  attachment: Pick<AttachmentDoc, '_id' | 'chunkCount' | 'size'>,
): Promise<Buffer> {
  const ids = Array.from({ length: attachment.chunkCount }, (_, n) => attachmentChunkId(attachment._id, n));
  const rows = await models.AttachmentChunk.find({ _id: { $in: ids } }).lean();
  const byN = new Map(rows.map((r) => [r.n, bytesOf(r.data)]));
  const parts = ids.map((_, n) => byN.get(n));
  if (parts.some((p) => !p)) throw new Error(`attachment ${attachment._id} is missing chunks`);
  const bytes = Buffer.concat(parts as Buffer[]);
  if (bytes.length !== attachment.size)
    throw new Error(`attachment ${attachment._id} has ${bytes.length} bytes, expected ${attachment.size}`);
  return bytes;
}

/** Removes attachments and their chunks (chunks first: a crash between leaves a record the sweep finds again). */
export async function removeAttachments(
  models: AttachmentModels,
  attachments: Array<Pick<AttachmentDoc, '_id' | 'chunkCount'>>,
): Promise<number> {
  let removed = 0;
  for (const a of attachments) {
    const ids = Array.from({ length: a.chunkCount }, (_, n) => attachmentChunkId(a._id, n));
    if (ids.length) await models.AttachmentChunk.deleteMany({ _id: { $in: ids } });
    removed += (await models.Attachment.deleteOne({ _id: a._id })).deletedCount ?? 0;
  }
  return removed;
}

/** Once a send has finished (sent, failed, canceled) its attachments are not needed any more. */
export async function removeAttachmentsOfSend(models: AttachmentModels, sendId: string): Promise<number> {
  const used = await models.Attachment.find({ sendId }, { _id: 1, chunkCount: 1 }).lean();
  return removeAttachments(models, used);
}
