import { randomUUID } from 'node:crypto';
import {
  CALENDAR_OPEN_SCHEDULE,
  fileOnSchedule,
  isDuplicateKeyError as isDuplicateKey,
  newId,
  type CalendarOperationDoc,
  type CalendarOperationKind,
  type Models,
} from '@outlook-connect/shared';
import type { QueueClient } from './queue-client';
import {
  cancelEventInputSchema,
  createEventInputSchema,
  freeBusyInputSchema,
  updateEventInputSchema,
  type CancelEventInput,
  type CreateEventInput,
  type EventTarget,
  type FreeBusyInput,
  type FreeBusyRequest,
  type StoredRequest,
  type UpdateEventInput,
} from './calendar-schemas';
import { InvalidPayloadError } from './queue-client';
import { IdempotencyKeyReusedError, requestHash, sameRequest } from './request-hash';
import type { z } from 'zod';

// The producer side of calendar operations: one CalendarOperation record per idempotency key, then a `calendar` job.
// The record is filed on the operation sweep's `calendar-open` schedule with its insert (see sends.ts).

export type FreeBusyStatus = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface FreeBusySchedule {
  schedule: string;
  /** Graph's availabilityView, one digit per interval (0 free, 1 tentative, 2 busy, 3 oof, 4 working elsewhere). */
  availabilityView: string;
  /** One slot per interval, UTC ISO instants. */
  slots: Array<{ start: string; end: string; status: FreeBusyStatus }>;
  /** Merged non-free periods, UTC ISO instants. */
  busy: Array<{ start: string; end: string; status: FreeBusyStatus }>;
  /** Graph could not read this schedule (unknown address, no permission): its code and message. */
  error: { code: string; message: string } | null;
}

export interface FreeBusyResult {
  connectionId: string;
  start: string;
  end: string;
  intervalMinutes: number;
  schedules: FreeBusySchedule[];
}

/** Runs a validated free/busy lookup against Graph (implemented by the workers' calendar module). */
export type FreeBusyLookup = (request: FreeBusyRequest) => Promise<FreeBusyResult>;

export class CalendarNotFoundError extends Error {
  override name = 'CalendarNotFoundError';
  constructor(
    readonly what: 'connection' | 'operation',
    readonly id: string,
  ) {
    super(`${what} ${id} not found`);
  }
}

/**
 * A free/busy lookup could not be answered. `kind` says what the caller can do: `busy` (retry at retryAtMs),
 * `transient` (retry later), `reconnect_required` / `app_credentials` (the connection or app must be fixed),
 * `permanent` (e.g. scope_missing: this connection can never answer).
 */
export class FreeBusyLookupError extends Error {
  override name = 'FreeBusyLookupError';
  constructor(
    readonly kind: 'busy' | 'transient' | 'reconnect_required' | 'app_credentials' | 'permanent',
    readonly code: string,
    message: string,
    readonly retryAtMs?: number,
  ) {
    super(message);
  }
}

export interface OperationResult {
  operation: CalendarOperationDoc;
  /** false when the idempotency key returned an existing operation of the same request. */
  created: boolean;
}

export interface CalendarClient {
  createEvent(input: CreateEventInput): Promise<OperationResult>;
  updateEvent(input: UpdateEventInput): Promise<OperationResult>;
  cancelEvent(input: CancelEventInput): Promise<OperationResult>;
  getOperation(workspaceId: string, operationId: string): Promise<CalendarOperationDoc>;
  getFreeBusy(input: FreeBusyInput): Promise<FreeBusyResult>;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InvalidPayloadError(
      what,
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return result.data as z.infer<S>;
}

export function createCalendarClient(opts: {
  models: Models;
  queues: QueueClient;
  freeBusy?: FreeBusyLookup;
}): CalendarClient {
  const { models, queues } = opts;

  async function requireConnection(workspaceId: string, connectionId: string): Promise<void> {
    const found = await models.Connection.exists({ _id: connectionId, workspaceId });
    if (!found) throw new CalendarNotFoundError('connection', connectionId);
  }

  /** An update or cancel aimed at a create operation must name one of this connection's. */
  async function requireTarget(v: { workspaceId: string; connectionId: string; target: EventTarget }): Promise<void> {
    if (!('operationId' in v.target)) return;
    const found = await models.CalendarOperation.exists({
      _id: v.target.operationId,
      workspaceId: v.workspaceId,
      connectionId: v.connectionId,
      kind: 'create',
    });
    if (!found) throw new CalendarNotFoundError('operation', v.target.operationId);
  }

  async function submit(
    base: { workspaceId: string; connectionId: string; idempotencyKey: string; metadata: Record<string, unknown> },
    request: StoredRequest,
  ): Promise<OperationResult> {
    await requireConnection(base.workspaceId, base.connectionId);
    // The kind is part of the request (in `request`), so a key reused for another kind is a different request too.
    const hash = requestHash({ request, metadata: base.metadata });
    let operation: CalendarOperationDoc;
    let created = true;
    const fileOpen = (id: string) => fileOnSchedule(models, CALENDAR_OPEN_SCHEDULE, id, Date.now(), Date.now());
    const operationId = newId('cal');
    try {
      // The schedule entry goes with the insert (an entry whose insert failed is dropped by the sweep).
      const [doc] = await Promise.all([
        models.CalendarOperation.create({
          _id: operationId,
          ...base,
          requestHash: hash,
          kind: request.kind,
          request,
          transactionId: randomUUID(),
          status: 'queued',
        }),
        fileOpen(operationId),
      ]);
      operation = doc.toObject();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await models.CalendarOperation.findOne({
        connectionId: base.connectionId,
        idempotencyKey: base.idempotencyKey,
      }).lean<CalendarOperationDoc>();
      if (!existing) throw err;
      const sameKind =
        existing.kind === (request.kind as CalendarOperationKind) && existing.workspaceId === base.workspaceId;
      if (!sameKind || !sameRequest(existing.requestHash, hash))
        throw new IdempotencyKeyReusedError(base.idempotencyKey, 'calendar operation', existing._id);
      operation = existing;
      created = false;
      // The same request again: an open operation is filed again, in case the first call's entry was what failed.
      if (existing.status === 'queued' || existing.status === 'running') await fileOpen(existing._id);
    }
    // Enqueued on every call while queued: the job id dedupes, and a crash between insert and enqueue heals on retry.
    if (operation.status === 'queued') {
      await queues.enqueue('calendar', { operationId: operation._id }, { jobId: operation._id });
    }
    return { operation, created };
  }

  return {
    async createEvent(input) {
      const v = parseInput(createEventInputSchema, input, 'calendar create');
      return submit(v, { kind: 'create', event: v.event });
    },
    async updateEvent(input) {
      const v = parseInput(updateEventInputSchema, input, 'calendar update');
      await requireTarget(v);
      return submit(v, { kind: 'update', target: v.target, changes: v.changes });
    },
    async cancelEvent(input) {
      const v = parseInput(cancelEventInputSchema, input, 'calendar cancel');
      await requireTarget(v);
      return submit(v, { kind: 'cancel', target: v.target, comment: v.comment });
    },
    async getOperation(workspaceId, operationId) {
      const op = await models.CalendarOperation.findOne({ _id: operationId, workspaceId }).lean<CalendarOperationDoc>();
      if (!op) throw new CalendarNotFoundError('operation', operationId);
      return op;
    },
    async getFreeBusy(input) {
      const v = parseInput(freeBusyInputSchema, input, 'calendar free/busy');
      await requireConnection(v.workspaceId, v.connectionId);
      if (!opts.freeBusy) throw new Error('this calendar client was created without a free/busy lookup');
      return opts.freeBusy(v);
    },
  };
}
