import { Schema } from 'mongoose';
import { newId } from './ids';

export interface WebhookEndpointDoc {
  _id: string;
  workspaceId: string;
  url: string;
  description: string;
  /** Event types this endpoint receives; empty means every type. */
  eventTypes: string[];
  enabled: boolean;
  /** SecretBox ciphertext of the `whsec_` signing secret (context webhookSecretContext(id, 'secret')). */
  secretEnc: string;
  /** The secret before the last rotation: it also signs until previousSecretExpiresAt (the overlap period). */
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  /** First failed attempt since the last success: an endpoint failing for too long is disabled. */
  failingSince: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const webhookEndpointSchema = new Schema<WebhookEndpointDoc>(
  {
    _id: { type: String, default: () => newId('whep') },
    workspaceId: { type: String, required: true },
    url: { type: String, required: true },
    description: { type: String, default: '' },
    eventTypes: { type: [String], default: [] },
    enabled: { type: Boolean, default: true },
    secretEnc: { type: String, required: true },
    previousSecretEnc: { type: String, default: null },
    previousSecretExpiresAt: { type: Date, default: null },
    failingSince: { type: Date, default: null },
    disabledAt: { type: Date, default: null },
    disabledReason: { type: String, default: null },
  },
  { timestamps: true, collection: 'webhook_endpoints', minimize: false },
);
webhookEndpointSchema.index({ workspaceId: 1, enabled: 1 });
