import { z } from 'zod';

// Events the CRM consumes from the `events` queue. Every event names its workspace; data is event-specific.

export const eventNames = [
  'connection.created',
  'connection.reconnected',
  'connection.disconnected',
  'connection.needs_reconnect',
  'connection.recovered',
  'app.secret_expiring',
  'app.secret_expired',
  'app.secret_invalid',
  'send.sent',
  'send.failed',
  'send.canceled',
  'message.received',
  'calendar.event_created',
  'calendar.event_updated',
  'calendar.event_canceled',
  'calendar.event_failed',
] as const;

export type EventName = (typeof eventNames)[number];

export const eventSchema = z.object({
  /** Unique per event; used as the job id so an event emitted twice is delivered once. */
  id: z.string().min(1).max(200),
  type: z.enum(eventNames),
  workspaceId: z.string().min(1),
  connectionId: z.string().optional(),
  appId: z.string().optional(),
  occurredAt: z.string().datetime(),
  data: z.record(z.string(), z.unknown()),
});

export type ProductEvent = z.infer<typeof eventSchema>;
