import { createHash } from 'node:crypto';
import { Schema } from 'mongoose';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'rejected' | 'refused';

/** One HTTP attempt, as the delivery log shows it (never the secret or the signature). */
export interface WebhookAttempt {
  at: Date;
  outcome: WebhookAttemptOutcome;
  durationMs: number;
  statusCode: number | null;
  /** The first bytes of the response body. */
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDeliveryDoc {
  _id: string;
  workspaceId: string;
  endpointId: string;
  /** The event's id: the `webhook-id` header, the same on every retry and replay, so the consumer deduplicates. */
  eventId: string;
  eventType: string;
  /** The body as sent: the typed event from the catalog. */
  event: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: WebhookAttempt[];
  /** Attempts since the delivery was (re)started: the retry schedule's position. */
  attemptsInRun: number;
  /** Bumped by each replay: the delivery job's id carries it (a finished job's id is not reused). */
  run: number;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One delivery per event and endpoint, its id derived from both: fanning the same event out twice makes nothing new. */
export const webhookDeliveryId = (eventId: string, endpointId: string): string =>
  `whd_${createHash('sha256').update(`${eventId}\n${endpointId}`).digest('hex').slice(0, 24)}`;

export const webhookDeliverySchema = new Schema<WebhookDeliveryDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    endpointId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['pending', 'delivered', 'failed'], required: true },
    attempts: { type: Schema.Types.Mixed, default: () => [] },
    attemptsInRun: { type: Number, default: 0 },
    run: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    deliveredAt: { type: Date, default: null },
    failedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'webhook_deliveries', minimize: false },
);
webhookDeliverySchema.index({ endpointId: 1, createdAt: -1 });
webhookDeliverySchema.index({ endpointId: 1, status: 1 });
