import { Schema } from 'mongoose';

// One connection's Graph change-notification subscription on its Inbox messages: the one record of its state, written
// only by mailbox-runtime's subscriptions module. `_id` is the connection id (one subscription per connection).

export interface InboxSubscriptionError {
  kind: string;
  code: string;
  status?: number;
  message: string;
  at: Date;
}

export interface InboxSubscriptionDoc {
  /** The connection id. */
  _id: string;
  workspaceId: string;
  /** Graph's subscription id; null while none exists (never created, removed, or being recreated). */
  subscriptionId: string | null;
  /** The clientState Graph echoes in every notification: a secret, stored encrypted (clientStateContext). */
  clientStateEnc: string | null;
  /** When Graph expires the subscription (expirationDateTime as Graph answered it). */
  expiresAt: Date | null;
  /** When the subscription job must next look at this record: the renewal time, or the next retry after a failure. */
  nextCheckAt: Date | null;
  /** A lifecycle notification asked for work: recreate (subscriptionRemoved) or reauthorize (reauthorizationRequired). */
  pending: 'recreate' | 'reauthorize' | null;
  /** Consecutive failed creations or renewals (0 when the last one worked). */
  failures: number;
  lastError: InboxSubscriptionError | null;
  lastRenewedAt: Date | null;
  /** The last accepted change notification (written at most every few seconds). */
  lastNotificationAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const inboxSubscriptionSchema = new Schema<InboxSubscriptionDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    subscriptionId: { type: String, default: null },
    clientStateEnc: { type: String, default: null },
    expiresAt: { type: Date, default: null },
    nextCheckAt: { type: Date, default: null },
    pending: { type: String, enum: ['recreate', 'reauthorize', null], default: null },
    failures: { type: Number, default: 0 },
    lastError: { type: Schema.Types.Mixed, default: null },
    lastRenewedAt: { type: Date, default: null },
    lastNotificationAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'inbox_subscriptions', minimize: false },
);
// Notifications name the subscription, not the connection (on FerretDB only `_id` uses an index: a scan there).
inboxSubscriptionSchema.index({ subscriptionId: 1 });
inboxSubscriptionSchema.index({ nextCheckAt: 1 });
