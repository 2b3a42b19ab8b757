import { Schema } from 'mongoose';
import { newId } from './ids';

export type SendStatus = 'queued' | 'scheduled' | 'sending' | 'sent' | 'failed' | 'canceled';
export type SendSource = 'sequence' | 'ai_sdr' | 'test' | 'other';

export interface EmailAddress {
  address: string;
  name?: string;
}

export interface OutgoingMessage {
  to: EmailAddress[];
  cc?: EmailAddress[];
  bcc?: EmailAddress[];
  replyTo?: EmailAddress[];
  subject: string;
  body: { contentType: 'html' | 'text'; content: string };
  /** Graph id of an earlier message to reply to (threading). */
  replyToMessageId?: string;
  /** Small files inline (base64, in this record), or files uploaded first (POST .../attachments) by id. */
  attachments?: Array<InlineAttachment | AttachmentRef>;
}

export interface InlineAttachment {
  name: string;
  contentType: string;
  contentBase64: string;
}

export interface AttachmentRef {
  attachmentId: string;
  /** Copied from the upload when the send is queued, so the record still describes the file once it is removed. */
  name?: string;
  contentType?: string;
  size?: number;
}

export const isAttachmentRef = (a: InlineAttachment | AttachmentRef): a is AttachmentRef => 'attachmentId' in a;

export type SentItemsStatus = 'pending' | 'seen' | 'not_seen';

export interface SendDoc {
  _id: string;
  workspaceId: string;
  connectionId: string;
  idempotencyKey: string;
  /** Canonical hash of the request the key was first used for (null on records made before it was kept). */
  requestHash: string | null;
  source: SendSource;
  status: SendStatus;
  message: OutgoingMessage;
  sendAt: Date | null;
  metadata: Record<string, unknown>;
  /** Stamped on the Graph draft so a retry can find what was already sent. */
  marker: string;
  draftId: string | null;
  sentMessageId: string | null;
  internetMessageId: string | null;
  conversationId: string | null;
  attempts: number;
  /** When a request that may send went to Graph (sendMail for send_only connections): a retry that finds it set cannot know the outcome. */
  submittedAt: Date | null;
  error: { kind: string; code: string; message: string } | null;
  /**
   * Exchange sends after its 202: `pending` until the copy is seen in Sent Items (`seen`), `not_seen` when the bounded
   * follow-up gave up; null when the connection cannot read Sent Items (send_only) or the send did not go out.
   */
  sentItemsStatus: SentItemsStatus | null;
  sentItemsSeenAt: Date | null;
  /** Sent Items lookups made by the follow-up (bounded: SEND_CONFIRM_CHECKS). */
  sentItemsChecks: number;
  sentAt: Date | null;
  failedAt: Date | null;
  canceledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const sendSchema = new Schema<SendDoc>(
  {
    _id: { type: String, default: () => newId('send') },
    workspaceId: { type: String, required: true },
    connectionId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, default: null },
    source: { type: String, enum: ['sequence', 'ai_sdr', 'test', 'other'], required: true },
    status: { type: String, enum: ['queued', 'scheduled', 'sending', 'sent', 'failed', 'canceled'], required: true },
    message: { type: Schema.Types.Mixed, required: true },
    sendAt: { type: Date, default: null },
    metadata: { type: Schema.Types.Mixed, default: () => ({}) },
    marker: { type: String, required: true },
    draftId: { type: String, default: null },
    sentMessageId: { type: String, default: null },
    internetMessageId: { type: String, default: null },
    conversationId: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    submittedAt: { type: Date, default: null },
    error: { type: Schema.Types.Mixed, default: null },
    sentItemsStatus: { type: String, enum: ['pending', 'seen', 'not_seen', null], default: null },
    sentItemsSeenAt: { type: Date, default: null },
    sentItemsChecks: { type: Number, default: 0 },
    sentAt: { type: Date, default: null },
    failedAt: { type: Date, default: null },
    canceledAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'sends', minimize: false },
);
sendSchema.index({ connectionId: 1, idempotencyKey: 1 }, { unique: true });
sendSchema.index({ workspaceId: 1, createdAt: -1 });
sendSchema.index({ connectionId: 1, status: 1 });
sendSchema.index({ marker: 1 });
// The operation sweep (open records, oldest update first) and retention (finished ones past their age).
sendSchema.index({ status: 1, updatedAt: 1 });
// The operation sweep's pass over submitted sends still waiting for their Sent Items copy (follow-up-sweep.ts).
sendSchema.index({ sentItemsStatus: 1, updatedAt: 1 });
