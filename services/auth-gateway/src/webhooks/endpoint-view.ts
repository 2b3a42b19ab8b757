import type { WebhookDeliveryDoc, WebhookEndpointDoc } from '@outlook-connect/shared';
import type { z } from 'zod';
import type { deliveryView, endpointView } from './endpoint-schemas';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export const webhookEndpointView = (e: WebhookEndpointDoc): z.input<typeof endpointView> => ({
  id: e._id,
  url: e.url,
  description: e.description,
  eventTypes: e.eventTypes,
  enabled: e.enabled,
  failingSince: iso(e.failingSince),
  disabledAt: iso(e.disabledAt),
  disabledReason: e.disabledReason,
  previousSecretExpiresAt: e.previousSecretEnc ? iso(e.previousSecretExpiresAt) : null,
  createdAt: new Date(e.createdAt).toISOString(),
  updatedAt: new Date(e.updatedAt).toISOString(),
});

export const webhookDeliveryView = (d: WebhookDeliveryDoc): z.input<typeof deliveryView> => ({
  id: d._id,
  endpointId: d.endpointId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: (d.attempts ?? []).map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
  failedAt: iso(d.failedAt),
  createdAt: new Date(d.createdAt).toISOString(),
});
