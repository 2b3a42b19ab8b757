import { Schema } from 'mongoose';
import { newId } from './ids';
import type { EmailAddress } from './send';

export interface InboxMessageDoc {
  _id: string;
  workspaceId: string;
  connectionId: string;
  graphId: string;
  internetMessageId: string | null;
  conversationId: string | null;
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  bodyPreview: string;
  receivedAt: Date;
  isRead: boolean;
  hasAttachments: boolean;
  webLink: string | null;
  inReplyTo: string | null;
  references: string[];
  /** The sync generation that last saw it; a full resync removes what an older generation left behind. */
  syncGeneration: number;
  createdAt: Date;
  updatedAt: Date;
}

export const inboxMessageSchema = new Schema<InboxMessageDoc>(
  {
    _id: { type: String, default: () => newId('msg') },
    workspaceId: { type: String, required: true },
    connectionId: { type: String, required: true },
    graphId: { type: String, required: true },
    internetMessageId: { type: String, default: null },
    conversationId: { type: String, default: null },
    from: { type: Schema.Types.Mixed, default: null },
    to: { type: Schema.Types.Mixed, default: () => [] },
    cc: { type: Schema.Types.Mixed, default: () => [] },
    subject: { type: String, default: '' },
    bodyPreview: { type: String, default: '' },
    receivedAt: { type: Date, required: true },
    isRead: { type: Boolean, default: false },
    hasAttachments: { type: Boolean, default: false },
    webLink: { type: String, default: null },
    inReplyTo: { type: String, default: null },
    references: { type: [String], default: [] },
    syncGeneration: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'inbox_messages', minimize: false },
);
inboxMessageSchema.index({ connectionId: 1, graphId: 1 }, { unique: true });
inboxMessageSchema.index({ workspaceId: 1, connectionId: 1, receivedAt: -1 });
inboxMessageSchema.index({ connectionId: 1, conversationId: 1 });
// Retention removes what fell out of the mirror window, oldest first.
inboxMessageSchema.index({ receivedAt: 1 });
