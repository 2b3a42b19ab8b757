import {
  CalendarNotFoundError,
  createCalendarClient,
  FreeBusyLookupError,
  IdempotencyConflictError,
  InvalidPayloadError,
  type CalendarClient,
  type FreeBusyLookup,
} from '@outlook-connect/queues';
import type { CalendarOperationDoc } from '@outlook-connect/shared';
import { createFreeBusyRuntime } from '@outlook-connect/workers';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { anyObject, errorBody, idParams } from '../http/schemas';

// Calendar operations over HTTP: book, move and cancel meetings (queued, idempotent) and free/busy (answered now).
// Bodies are validated by the queues client's schemas, so HTTP and Node producers get the same field errors.

const tags = ['Calendar'];
const security = [{ apiKey: [] }];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 503: errorBody };
const eventParams = idParams('conn').extend({ eventId: z.string().min(1).max(1024) });

export function calendarOperationView(op: CalendarOperationDoc): Record<string, unknown> {
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
      if (err.code === 'connection_disconnected' || err.code === 'disconnected') return new ApiError(409, 'connection_disconnected', err.message);
      return new ApiError(502, err.code, err.message);
  }
}

function apiErrorOf(err: unknown, reply: FastifyReply, nowMs: number): unknown {
  if (err instanceof InvalidPayloadError) {
    return new ApiError(400, 'invalid_request', err.message, { issues: err.issues.map((i) => ({ field: i.path || '(body)', reason: i.message })) });
  }
  if (err instanceof CalendarNotFoundError) return notFound(err.what);
  if (err instanceof IdempotencyConflictError) return new ApiError(409, 'idempotency_conflict', err.message, { operationId: err.existingOperationId });
  if (err instanceof FreeBusyLookupError) return freeBusyError(err, reply, nowMs);
  return err;
}

type Body = Record<string, unknown>;

/** The idempotency key from the body, else the `Idempotency-Key` header. */
function idempotencyKeyOf(req: FastifyRequest, body: Body): unknown {
  return body.idempotencyKey ?? req.headers['idempotency-key'];
}

export function calendarRoutes(app: GatewayApp, deps: GatewayDeps, opts: { freeBusy?: FreeBusyLookup } = {}): void {
  let freeBusy = opts.freeBusy;
  const lookup: FreeBusyLookup = (request) => {
    // Built on first use: the token provider and mailbox gate are only needed by free/busy.
    freeBusy ??= createFreeBusyRuntime({
      ...deps,
      microsoft: { loginUrl: deps.env.MICROSOFT_LOGIN_URL, graphUrl: deps.env.MICROSOFT_GRAPH_URL },
      now: () => deps.now().getTime(),
    });
    return freeBusy(request);
  };
  const calendar: CalendarClient = createCalendarClient({ models: deps.models, queues: deps.queues, freeBusy: lookup });

  async function run<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw apiErrorOf(err, reply, deps.now().getTime());
    }
  }

  const accepted = (reply: FastifyReply, result: { operation: CalendarOperationDoc; created: boolean }) =>
    reply.code(result.created ? 202 : 200).send({ ...calendarOperationView(result.operation), created: result.created });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/calendar/events',
    schema: {
      tags,
      security,
      params: idParams('conn'),
      description:
        'Books a meeting in this mailbox\'s calendar (Full + Calendar connections). Queued: answers 202 with the operation; ' +
        'the same idempotencyKey returns the same operation (200) and books nothing new. Body: idempotencyKey, subject, ' +
        'attendees [{address, name?, type required|optional}], start/end {dateTime, timeZone}, body?, location?, isOnlineMeeting?, metadata?',
      body: anyObject,
      response: { 200: anyObject, 202: anyObject, ...errors },
    },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const { idempotencyKey: _key, metadata, ...event } = req.body as Body;
      const input = { workspaceId, connectionId: req.params.id, idempotencyKey: idempotencyKeyOf(req, req.body as Body), metadata, event };
      return accepted(reply, await run(reply, () => calendar.createEvent(input as Parameters<CalendarClient['createEvent']>[0])));
    },
  });

  const updateBody = 'Body: idempotencyKey, changes {subject?, attendees?, start?, end?, body?, location?, isOnlineMeeting?}, metadata?';
  const cancelBody = 'Body: idempotencyKey, comment? (sent to the attendees), metadata?';

  app.route({
    method: 'PATCH',
    url: '/v1/connections/:id/calendar/events/:eventId',
    schema: { tags, security, params: eventParams, description: `Moves or edits a meeting by its Graph event id. ${updateBody}`, body: anyObject, response: { 200: anyObject, 202: anyObject, ...errors } },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const body = req.body as Body;
      const input = { workspaceId, connectionId: req.params.id, idempotencyKey: idempotencyKeyOf(req, body), metadata: body.metadata, changes: body.changes, target: { eventId: req.params.eventId } };
      return accepted(reply, await run(reply, () => calendar.updateEvent(input as Parameters<CalendarClient['updateEvent']>[0])));
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/calendar/events/:eventId/cancel',
    schema: { tags, security, params: eventParams, description: `Cancels a meeting by its Graph event id; attendees get the comment. ${cancelBody}`, body: anyObject, response: { 200: anyObject, 202: anyObject, ...errors } },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const body = req.body as Body;
      const input = { workspaceId, connectionId: req.params.id, idempotencyKey: idempotencyKeyOf(req, body), metadata: body.metadata, comment: body.comment, target: { eventId: req.params.eventId } };
      return accepted(reply, await run(reply, () => calendar.cancelEvent(input as Parameters<CalendarClient['cancelEvent']>[0])));
    },
  });

  /** An operation-addressed update/cancel acts on the connection of the booking it names. */
  async function bookingOf(req: FastifyRequest, operationId: string, reply: FastifyReply) {
    const workspaceId = await workspaceOf(deps.models, req);
    const booking = await run(reply, () => calendar.getOperation(workspaceId, operationId));
    if (booking.kind !== 'create') throw new ApiError(409, 'not_a_booking', `operation ${booking._id} is a ${booking.kind}, not a booking`);
    return { workspaceId, connectionId: booking.connectionId, target: { operationId: booking._id } };
  }

  app.route({
    method: 'PATCH',
    url: '/v1/calendar/operations/:id/event',
    schema: { tags, security, params: idParams('cal'), description: `Moves or edits the meeting a booking operation made (waits for the booking if it is still queued). ${updateBody}`, body: anyObject, response: { 200: anyObject, 202: anyObject, ...errors } },
    handler: async (req, reply) => {
      const base = await bookingOf(req, req.params.id, reply);
      const body = req.body as Body;
      const input = { ...base, idempotencyKey: idempotencyKeyOf(req, body), metadata: body.metadata, changes: body.changes };
      return accepted(reply, await run(reply, () => calendar.updateEvent(input as Parameters<CalendarClient['updateEvent']>[0])));
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/calendar/operations/:id/event/cancel',
    schema: { tags, security, params: idParams('cal'), description: `Cancels the meeting a booking operation made. ${cancelBody}`, body: anyObject, response: { 200: anyObject, 202: anyObject, ...errors } },
    handler: async (req, reply) => {
      const base = await bookingOf(req, req.params.id, reply);
      const body = req.body as Body;
      const input = { ...base, idempotencyKey: idempotencyKeyOf(req, body), metadata: body.metadata, comment: body.comment };
      return accepted(reply, await run(reply, () => calendar.cancelEvent(input as Parameters<CalendarClient['cancelEvent']>[0])));
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/calendar/operations/:id',
    schema: { tags, security, params: idParams('cal'), description: 'A calendar operation: status queued|running|succeeded|failed, eventId, result, error.', response: { 200: anyObject, ...errors } },
    handler: async (req, reply) => calendarOperationView(await run(reply, async () => calendar.getOperation(await workspaceOf(deps.models, req), req.params.id))),
  });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/calendar/free-busy',
    schema: {
      tags,
      security,
      params: idParams('conn'),
      description:
        'Free/busy of up to 20 mailboxes over a window (at most 62 days), answered now. Body: schedules [email], start/end ' +
        '{dateTime, timeZone}, intervalMinutes? (default 30). 429 with Retry-After when the mailbox is throttled.',
      body: anyObject,
      response: { 200: anyObject, ...errors },
    },
    handler: async (req, reply) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const input = { ...(req.body as Body), workspaceId, connectionId: req.params.id };
      const result = await run(reply, () => calendar.getFreeBusy(input as Parameters<CalendarClient['getFreeBusy']>[0]));
      return reply.code(200).send({ ...result });
    },
  });
}
