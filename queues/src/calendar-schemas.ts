import { z } from 'zod';
import { localToUtcMs, parseLocalDateTime, resolveTimeZone } from './calendar-time';
import { metadataSchema } from './metadata-schema';

// What producers may ask of a connected calendar. Validated by the producer client and again by the worker.

export const MAX_ATTENDEES = 500;
export const MAX_SCHEDULES = 20;
export const MAX_FREE_BUSY_DAYS = 62;

export const dateTimeTimeZoneSchema = z
  .object({
    dateTime: z.string().refine((s) => parseLocalDateTime(s) !== null, {
      message: 'must be a local date-time like 2025-03-10T14:30:00, without an offset (timeZone says which zone)',
    }),
    timeZone: z.string().min(1).max(100),
  })
  .transform((value, ctx) => {
    const zone = resolveTimeZone(value.timeZone);
    if (!zone) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeZone'],
        message: `unknown time zone "${value.timeZone}" (use an IANA name like Europe/Paris or a Windows name like Pacific Standard Time)`,
      });
      return z.NEVER;
    }
    return { dateTime: value.dateTime, timeZone: zone.name };
  });

export type DateTimeTimeZone = z.infer<typeof dateTimeTimeZoneSchema>;

/** The UTC instant a validated dateTimeTimeZone stands for. */
export function instantOf(value: DateTimeTimeZone): number {
  const zone = resolveTimeZone(value.timeZone);
  if (!zone) throw new RangeError(`unknown time zone ${value.timeZone}`);
  return localToUtcMs(value.dateTime, zone.iana);
}

export const attendeeSchema = z.object({
  address: z.email(),
  name: z.string().max(256).optional(),
  type: z.enum(['required', 'optional']).default('required'),
});

const bodySchema = z.object({
  contentType: z.enum(['html', 'text']).default('text'),
  content: z.string().max(1_000_000),
});

const idempotencyKeySchema = z.string().min(1).max(200);
const connectionIdSchema = z.string().regex(/^conn_[a-f0-9]{24}$/, 'a conn_ id');

/** The instant, or null for a value its own schema refused (object refinements still run after a field's issue). */
function instantOrNull(value: unknown): number | null {
  const v = value as Partial<DateTimeTimeZone> | undefined;
  if (typeof v?.dateTime !== 'string' || typeof v.timeZone !== 'string' || !parseLocalDateTime(v.dateTime)) return null;
  const zone = resolveTimeZone(v.timeZone);
  return zone ? localToUtcMs(v.dateTime, zone.iana) : null;
}

function endAfterStart(value: { start?: DateTimeTimeZone; end?: DateTimeTimeZone }, ctx: z.RefinementCtx): void {
  const [start, end] = [instantOrNull(value.start), instantOrNull(value.end)];
  if (start === null || end === null) return;
  if (end <= start) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
  }
}

/** The fields of an event; `create` needs subject, start and end, `update` any non-empty subset. */
const eventFields = {
  subject: z.string().trim().min(1).max(255),
  attendees: z.array(attendeeSchema).max(MAX_ATTENDEES, `at most ${MAX_ATTENDEES} attendees`),
  start: dateTimeTimeZoneSchema,
  end: dateTimeTimeZoneSchema,
  body: bodySchema,
  location: z.string().max(255),
  isOnlineMeeting: z.boolean(),
};

export const eventDetailsSchema = z
  .object({
    subject: eventFields.subject,
    attendees: eventFields.attendees.default([]),
    start: eventFields.start,
    end: eventFields.end,
    body: eventFields.body.optional(),
    location: eventFields.location.optional(),
    isOnlineMeeting: eventFields.isOnlineMeeting.default(false),
  })
  .superRefine(endAfterStart);

export const eventChangesSchema = z
  .object({
    subject: eventFields.subject.optional(),
    attendees: eventFields.attendees.optional(),
    start: eventFields.start.optional(),
    end: eventFields.end.optional(),
    body: eventFields.body.optional(),
    location: eventFields.location.optional(),
    isOnlineMeeting: eventFields.isOnlineMeeting.optional(),
  })
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'name at least one change' })
  .superRefine(endAfterStart);

export type EventDetails = z.infer<typeof eventDetailsSchema>;
export type EventChanges = z.infer<typeof eventChangesSchema>;

/** Which event an update or cancel applies to: a Graph event id, or the create operation that made it. */
export const eventTargetSchema = z.union([
  z.object({ eventId: z.string().min(1).max(1024) }).strict(),
  z.object({ operationId: z.string().regex(/^cal_[a-f0-9]{24}$/, 'a cal_ id') }).strict(),
]);
export type EventTarget = z.infer<typeof eventTargetSchema>;

const common = {
  workspaceId: z.string().min(1),
  connectionId: connectionIdSchema,
  idempotencyKey: idempotencyKeySchema,
  metadata: metadataSchema.default({}),
};

export const createEventInputSchema = z.object({ ...common, event: eventDetailsSchema });
export const updateEventInputSchema = z.object({ ...common, target: eventTargetSchema, changes: eventChangesSchema });
export const cancelEventInputSchema = z.object({
  ...common,
  target: eventTargetSchema,
  comment: z.string().max(10_000).default(''),
});

export type CreateEventInput = z.input<typeof createEventInputSchema>;
export type UpdateEventInput = z.input<typeof updateEventInputSchema>;
export type CancelEventInput = z.input<typeof cancelEventInputSchema>;

/** What an operation record keeps in `request`: re-validated by the worker before it calls Graph. */
export const storedRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), event: eventDetailsSchema }),
  z.object({ kind: z.literal('update'), target: eventTargetSchema, changes: eventChangesSchema }),
  z.object({ kind: z.literal('cancel'), target: eventTargetSchema, comment: z.string().max(10_000) }),
]);
export type StoredRequest = z.infer<typeof storedRequestSchema>;

/** The free/busy question itself (the HTTP body), without the connection that asks it. */
export const freeBusyQuerySchema = z
  .object({
    schedules: z.array(z.email()).min(1).max(MAX_SCHEDULES, `at most ${MAX_SCHEDULES} schedules`),
    start: dateTimeTimeZoneSchema,
    end: dateTimeTimeZoneSchema,
    intervalMinutes: z.number().int().min(5).max(1440).default(30),
  })
  .superRefine((value, ctx) => {
    endAfterStart(value, ctx);
    const [start, end] = [instantOrNull(value.start), instantOrNull(value.end)];
    if (start !== null && end !== null && end - start > MAX_FREE_BUSY_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `the window may span at most ${MAX_FREE_BUSY_DAYS} days`,
      });
    }
  });
export const freeBusyInputSchema = freeBusyQuerySchema.safeExtend({
  workspaceId: z.string().min(1),
  connectionId: connectionIdSchema,
});
export type FreeBusyInput = z.input<typeof freeBusyInputSchema>;
export type FreeBusyRequest = z.infer<typeof freeBusyInputSchema>;
