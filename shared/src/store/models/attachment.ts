import { Schema } from 'mongoose';
import { newId } from './ids';

// A file a producer uploaded for a send: metadata here, bytes in AttachmentChunk rows (each far under the store's
// 16 MB document limit). Kept until the send that uses it finishes, then removed (and by the attachment sweep:
// the store has neither TTL indexes on FerretDB nor transactions).

export type AttachmentStatus = 'uploading' | 'ready';

export interface AttachmentDoc {
  _id: string;
  workspaceId: string;
  connectionId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  chunkCount: number;
  status: AttachmentStatus;
  /** The send that uses it (one attachment, one send); null until a send references it. */
  sendId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const attachmentSchema = new Schema<AttachmentDoc>(
  {
    _id: { type: String, default: () => newId('att') },
    workspaceId: { type: String, required: true },
    connectionId: { type: String, required: true },
    name: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, default: '' },
    chunkCount: { type: Number, default: 0 },
    status: { type: String, enum: ['uploading', 'ready'], required: true },
    sendId: { type: String, default: null },
  },
  { timestamps: true, collection: 'attachments', minimize: false },
);
attachmentSchema.index({ workspaceId: 1, createdAt: -1 });

/** One piece of an attachment's bytes; `_id` is `${attachmentId}:${n}` so reads and deletes go by primary key. */
export interface AttachmentChunkDoc {
  _id: string;
  attachmentId: string;
  n: number;
  data: Buffer;
}

export const attachmentChunkSchema = new Schema<AttachmentChunkDoc>(
  {
    _id: { type: String, required: true },
    attachmentId: { type: String, required: true },
    n: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { collection: 'attachment_chunks', minimize: false, versionKey: false },
);

export const attachmentChunkId = (attachmentId: string, n: number): string => `${attachmentId}:${n}`;
