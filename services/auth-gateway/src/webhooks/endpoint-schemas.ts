import { eventNames } from '@outlook-connect/queues';
import { z } from 'zod';

// The webhook endpoint API's bodies and answers. The secret appears in exactly two answers (create, rotate), once.

const instant = z.string().describe('ISO 8601 UTC instant');

export const endpointBody = z.object({
  url: z
    .string()
    .max(2000)
    .describe('https URL that receives the events (private, loopback and link-local addresses are refused)'),
  eventTypes: z.array(z.enum(eventNames)).max(100).default([]).describe('event types to receive; empty: every type'),
  description: z.string().max(500).default(''),
  enabled: z.boolean().default(true),
});

export const endpointPatch = z
  .object({
    url: endpointBody.shape.url,
    eventTypes: z.array(z.enum(eventNames)).max(100),
    description: z.string().max(500),
    enabled: z
      .boolean()
      .describe('true re-enables an endpoint disabled after failing for days (replay what it missed)'),
  })
  .partial()
  .strict();

export const rotateBody = z
  .object({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(24 * 3600)
      .describe('how long the old secret keeps signing too (0-604800, default a day)'),
  })
  .strict();

export const endpointView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  failingSince: instant.nullable().describe('first failed attempt since the last success'),
  disabledAt: instant.nullable(),
  disabledReason: z.string().nullable(),
  previousSecretExpiresAt: instant.nullable().describe('during a rotation: until when the previous secret also signs'),
  createdAt: instant,
  updatedAt: instant,
});

export const endpointWithSecret = endpointView.extend({
  secret: z.string().describe('the signing secret (whsec_...), shown only in this answer: verify webhooks with it'),
});

export const attemptView = z.object({
  at: instant,
  outcome: z.enum(['delivered', 'retry', 'rejected', 'refused']),
  durationMs: z.number(),
  statusCode: z.number().nullable(),
  responseBody: z.string().nullable().describe('the first bytes of the response'),
  error: z.string().nullable(),
});

export const deliveryView = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string().describe('the webhook-id header: the same on every retry and replay'),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(attemptView),
  nextAttemptAt: instant.nullable(),
  deliveredAt: instant.nullable(),
  failedAt: instant.nullable(),
  createdAt: instant,
});

export const deliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('only deliveries created at or after this instant'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const replaySinceBody = z
  .object({
    since: z.iso.datetime({ offset: true }).describe('replays every delivery created at or after this instant'),
  })
  .strict();

export const deliveryParams = z.object({
  id: z.string().regex(/^whep_[a-f0-9]{24}$/, 'must be a whep_ id'),
  deliveryId: z.string().regex(/^whd_[a-f0-9]{24}$/, 'must be a whd_ id'),
});
