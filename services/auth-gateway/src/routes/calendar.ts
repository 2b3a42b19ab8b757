import {
  cancelEventInputSchema,
  CalendarNotFoundError,
  createCalendarClient,
  createEventInputSchema,
  eventDetailsSchema,
  freeBusyQuerySchema,
  FreeBusyLookupError,
  IdempotencyKeyReusedError,
  InvalidPayloadError,
  updateEventInputSchema,
  type CalendarClient,
  type FreeBusyLookup,
} from '@outlook-connect/queues';
import type { CalendarOperationDoc } from '@outlook-connect/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { idempotencyKeyOf } from '../http/idempotency-key';
import { apiErrors, idempotencyHeaders, idParams, workspaceApiKey } from '../http/schemas';
import { acceptedOperationSchema, calendarOperationViewSchema, freeBusyResultSchema } from '../http/views';

// Calendar operations over HTTP: book, move and cancel meetings (queued, idempotent) and free/busy (answered now).
// Bodies are validated by the queues client's own schemas, so HTTP and Node producers get the same field errors.

const tags = ['Calendar'];
const security = workspaceApiKey;
const eventParams = idParams('conn').extend({ eventId: z.string().min(1).max(1024) });

const key = { idempotencyKey: createEventInputSchema.shape.idempotencyKey.optional() };
/** A booking: the event's fields at the top level, beside the idempotency key and metadata. */
export const createEventBody = eventDetailsSchema.safeExtend({
  ...key,
  metadata: createEventInputSchema.shape.metadata,
});
export const updateEventBody = updateEventInputSchema.pick({ changes: true, metadata: true }).extend(key);
export const cancelEventBody = cancelEventInputSchema.pick({ comment: true, metadata: true }).extend(key);
/** What an operation answers: queued (202) or the original for a repeated key and request (200). */
const accepting = (opts: { params: boolean }) => ({
  200: acceptedOperationSchema.describe(
    'The original operation: the same key and the same request; nothing new happens',
  ),
  202: acceptedOperationSchema.describe('Queued: follow it with GET /v1/calendar/operations/{id}'),
  ...apiErrors({ body: true, ...opts }, 409),
});

export function calendarOperationView(op: CalendarOperationDoc): z.input<typeof calendarOperationViewSchema> {
  return {
    id: op._id,
    workspaceId: op.workspaceId,
    connectionId: op.connectionId,
    idempotencyKey: op.idempotencyKey,
    kind: op.kind,
    status: op.status,
    request: op.request,
    eventId: op.eventId,
    result: op.result,
    metadata: op.metadata,
    attempts: op.attempts,
    error: op.error,
    createdAt: op.createdAt,
    updatedAt: op.updatedAt,
  };
}

/** Free/busy failures as HTTP: the caller learns whether to wait, retry, reconnect or give up. */
function freeBusyError(err: FreeBusyLookupError, reply: FastifyReply, nowMs: number): ApiError {
  switch (err.kind) {
    case 'busy':
      reply.header('retry-after', String(Math.max(1, Math.ceil(((err.retryAtMs ?? nowMs) - nowMs) / 1000))));
      return new ApiError(429, 'mailbox_busy', err.message, { reason: err.code });
    case 'transient':
      return new ApiError(503, err.code, err.message);
    case 'reconnect_required':
    case 'app_credentials':
      return new ApiError(409, 'connection_needs_reconnect', err.message, { reason: err.code });
    case 'permanent':
      if (err.code === 'scope_missing') return new ApiError(403, 'scope_missing', err.message);
      if (err.code === 'connection_not_found') return notFound('connection');
      if (err.code === 'connection_disconnected' || err.code === 'disconnected')
        return new ApiError(409, 'connection_disconnected', err.message);
      return new ApiError(502, err.code, err.message);
  }
}

function apiErrorOf(err: unknown, reply: FastifyReply, nowMs: number): unknown {
  if (err instanceof InvalidPayloadError) {
    return new ApiError(400, 'invalid_request', err.message, {
      issues: err.issues.map((i) => ({ field: i.path || '(body)', reason: i.message })),
    });
  }
  if (err instanceof CalendarNotFoundError) return notFound(err.what);
  if (err instanceof IdempotencyKeyReusedError)
    return new ApiError(409, 'idempotency_key_reused', err.message, { operationId: err.existingId });
  if (err instanceof FreeBusyLookupError) return freeBusyError(err, reply, nowMs);
  return err;
}

export function calendarRoutes(app: GatewayApp, deps: GatewayDeps, opts: { freeBusy?: FreeBusyLookup } = {}): void {
  const lookup: FreeBusyLookup = opts.freeBusy ?? deps.mailbox.freeBusy;
  const calendar: CalendarClient = createCalendarClient({ models: deps.models, queues: deps.queues, freeBusy: lookup });

  async function run<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw apiErrorOf(err, reply, deps.now().getTime());
    }
  }

  const accepted = (reply: FastifyReply, result: { operation: CalendarOperationDoc; created: boolean }) =>
    reply
      .code(result.created ? 202 : 200)
      .send({ ...calendarOperationView(result.operation), created: result.created });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/calendar/events',
    schema: {
      tags,
      security,
      summary: 'Book a meeting',
      description:
        "Books a meeting in this mailbox's calendar (full_calendar connections). Queued: answers 202 with the operation. The same " +
        'idempotency key (Idempotency-Key header or idempotencyKey) with the same request returns the original operation (200) and ' +
        'books nothing new; with a different request: 409 idempotency_key_reused naming the original operationId.',
      params: idParams('conn'),
      headers: idempotencyHeaders,
      body: createEventBody,
      response: accepting({ params: true }),
    },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const { idempotencyKey, metadata, ...event } = req.body;
      const input = {
        workspaceId,
        connectionId: req.params.id,
        idempotencyKey: idempotencyKeyOf(req.headers['idempotency-key'], idempotencyKey),
        metadata,
        event,
      };
      return accepted(reply, await run(reply, () => calendar.createEvent(input)));
    },
  });

  app.route({
    method: 'PATCH',
    url: '/v1/connections/:id/calendar/events/:eventId',
    schema: {
      tags,
      security,
      summary: 'Move or edit a meeting by its event id',
      description: 'Queues changes to a meeting by its Graph event id (202); idempotent like a booking.',
      params: eventParams,
      headers: idempotencyHeaders,
      body: updateEventBody,
      response: accepting({ params: true }),
    },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const { idempotencyKey, ...body } = req.body;
      const input = {
        workspaceId,
        connectionId: req.params.id,
        idempotencyKey: idempotencyKeyOf(req.headers['idempotency-key'], idempotencyKey),
        ...body,
        target: { eventId: req.params.eventId },
      };
      return accepted(reply, await run(reply, () => calendar.updateEvent(input)));
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/calendar/events/:eventId/cancel',
    schema: {
      tags,
      security,
      summary: 'Cancel a meeting by its event id',
      description:
        'Queues the cancellation of a meeting by its Graph event id (202); the attendees get the comment. Idempotent like a booking.',
      params: eventParams,
      headers: idempotencyHeaders,
      body: cancelEventBody,
      response: accepting({ params: true }),
    },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const { idempotencyKey, ...body } = req.body;
      const input = {
        workspaceId,
        connectionId: req.params.id,
        idempotencyKey: idempotencyKeyOf(req.headers['idempotency-key'], idempotencyKey),
        ...body,
        target: { eventId: req.params.eventId },
      };
      return accepted(reply, await run(reply, () => calendar.cancelEvent(input)));
    },
  });

  /** An operation-addressed update/cancel acts on the connection of the booking it names. */
  async function bookingOf(req: FastifyRequest, operationId: string, reply: FastifyReply) {
    const workspaceId = await workspaceOf(deps.models, req);
    const booking = await run(reply, () => calendar.getOperation(workspaceId, operationId));
    if (booking.kind !== 'create')
      throw new ApiError(409, 'not_a_booking', `operation ${booking._id} is a ${booking.kind}, not a booking`);
    return { workspaceId, connectionId: booking.connectionId, target: { operationId: booking._id } };
  }

  app.route({
    method: 'PATCH',
    url: '/v1/calendar/operations/:id/event',
    schema: {
      tags,
      security,
      summary: 'Move or edit the meeting a booking made',
      description:
        'Queues changes to the meeting a booking operation made; waits for the booking if it is still queued. Idempotent like a booking.',
      params: idParams('cal'),
      headers: idempotencyHeaders,
      body: updateEventBody,
      response: accepting({ params: true }),
    },
    handler: async (req, reply) => {
      const base = await bookingOf(req, req.params.id, reply);
      const { idempotencyKey, ...body } = req.body;
      const input = {
        ...base,
        idempotencyKey: idempotencyKeyOf(req.headers['idempotency-key'], idempotencyKey),
        ...body,
      };
      return accepted(reply, await run(reply, () => calendar.updateEvent(input)));
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/calendar/operations/:id/event/cancel',
    schema: {
      tags,
      security,
      summary: 'Cancel the meeting a booking made',
      description:
        'Queues the cancellation of the meeting a booking operation made; the attendees get the comment. Idempotent like a booking.',
      params: idParams('cal'),
      headers: idempotencyHeaders,
      body: cancelEventBody,
      response: accepting({ params: true }),
    },
    handler: async (req, reply) => {
      const base = await bookingOf(req, req.params.id, reply);
      const { idempotencyKey, ...body } = req.body;
      const input = {
        ...base,
        idempotencyKey: idempotencyKeyOf(req.headers['idempotency-key'], idempotencyKey),
        ...body,
      };
      return accepted(reply, await run(reply, () => calendar.cancelEvent(input)));
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/calendar/operations/:id',
    schema: {
      tags,
      security,
      summary: 'Get a calendar operation',
      description:
        'Its status (queued, running, succeeded, failed), the Graph eventId, the result and the error if it failed.',
      params: idParams('cal'),
      response: { 200: calendarOperationViewSchema, ...apiErrors({ params: true }) },
    },
    handler: async (req, reply) =>
      calendarOperationView(
        await run(reply, async () => calendar.getOperation(await workspaceOf(deps.models, req), req.params.id)),
      ),
  });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/calendar/free-busy',
    schema: {
      tags,
      security,
      summary: 'Free/busy of up to 20 mailboxes',
      description:
        'Answered now (not queued), over a window of at most 62 days. 429 mailbox_busy with Retry-After when Graph throttles the ' +
        'mailbox, 503 when Microsoft is unavailable, 403 scope_missing without the calendar scope, 409 when the connection must be reconnected.',
      params: idParams('conn'),
      body: freeBusyQuerySchema,
      response: { 200: freeBusyResultSchema, ...apiErrors({ body: true, params: true }, 403, 409, 429, 502, 503) },
    },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const result = await run(reply, () =>
        calendar.getFreeBusy({ ...req.body, workspaceId, connectionId: req.params.id }),
      );
      return reply.code(200).send(result);
    },
  });
}
