import { z } from 'zod';
import { eventCatalog, type EventName } from './catalog';

export const eventNames = Object.keys(eventCatalog) as [EventName, ...EventName[]];

/** The envelope of every event on the `events` queue; `data` is checked against the event type's own schema. */
export const eventSchema = z
  .object({
    /** Unique per event (see eventId): an event emitted twice is delivered once (its webhook delivery's id). */
    id: z.string().min(1).max(200),
    type: z.enum(eventNames),
    workspaceId: z.string().min(1),
    connectionId: z.string().optional(),
    appId: z.string().optional(),
    occurredAt: z.iso.datetime(),
    data: z.record(z.string(), z.unknown()),
  })
  .superRefine((event, ctx) => {
    const result = eventCatalog[event.type].data.safeParse(event.data);
    if (!result.success)
      for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: ['data', ...issue.path] } as never);
  });

export type ProductEvent = z.infer<typeof eventSchema>;
