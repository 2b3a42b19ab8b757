import { LIFECYCLE_EVENTS } from '@outlook-connect/queues';
import { z } from 'zod';
import { ApiError } from '../http/api-error';

// What Microsoft posts to the two push endpoints (concepts/change-notifications-delivery-webhooks.md,
// change-notifications-lifecycle-events.md). Only what we use is required; nothing of the message is read.

const subscriptionId = z.string().min(1).max(200).describe("Graph's subscription id");
// A missing or non-string clientState is a forgery, dropped like a wrong one (not a malformed body).
const clientState = z.unknown().optional().describe('the per-subscription secret, echoed by Graph');

export const changeNotificationsBody = z.object({
  value: z
    .array(
      z
        .looseObject({
          subscriptionId,
          clientState,
          changeType: z.string().max(64).optional().describe('created, updated or deleted'),
          resource: z.string().max(2048).optional(),
        })
        .describe('one change notification'),
    )
    .min(1)
    .max(1000),
});

export const lifecycleNotificationsBody = z.object({
  value: z
    .array(
      z.looseObject({
        subscriptionId,
        clientState,
        lifecycleEvent: z.enum(LIFECYCLE_EVENTS).describe('reauthorizationRequired, subscriptionRemoved or missed'),
      }),
    )
    .min(1)
    .max(1000),
});

export const validationQuery = z.object({
  validationToken: z.string().min(1).max(4096).optional().describe('the validation handshake: echoed as text/plain'),
});

/** zod's issues as the gateway's 400 (the same shape as the schema validation's): each field named. */
export function parsed<T>(schema: z.ZodType<T>, value: unknown, context: 'body' | 'querystring'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    field: [context, ...i.path.map(String)].join('.'),
    reason: i.message,
  }));
  throw new ApiError(400, 'invalid_request', issues.map((i) => `${i.field}: ${i.reason}`).join('; '), { issues });
}
