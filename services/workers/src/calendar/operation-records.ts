import { emitEvent, eventId as productEventId, type QueueClient } from '@outlook-connect/queues';
import type { CalendarOperationDoc, Models } from '@outlook-connect/shared';
import { recordActivity } from '@outlook-connect/mailbox-runtime';
import type { EventSummary } from './graph-event';
import { persist } from '../operations/persist';

// The store side of a calendar operation: compare-and-set status writes, the CRM's event and the timeline line.

type Op = CalendarOperationDoc;
const DONE_EVENT = {
  create: 'calendar.event_created',
  update: 'calendar.event_updated',
  cancel: 'calendar.event_canceled',
} as const;
const DONE_WORD = { create: 'created', update: 'updated', cancel: 'canceled' } as const;

export interface RecordDeps {
  models: Models;
  queues: QueueClient;
}

/** Takes the operation for this run (queued or running, e.g. after a crash); null when it is already finished. */
export async function startRun(deps: RecordDeps, operationId: string): Promise<Op | null> {
  return (await deps.models.CalendarOperation.findOneAndUpdate(
    { _id: operationId, status: { $in: ['queued', 'running'] } },
    { $set: { status: 'running' }, $inc: { attempts: 1 } },
    { returnDocument: 'after' },
  ).lean()) as Op | null;
}

/**
 * Records the event id before anything else: set only while none is recorded (or the same one), so two runs
 * that raced cannot record two different events. Returns false when another event id is already there.
 */
export async function recordEventId(deps: RecordDeps, op: Op, eventId: string): Promise<boolean> {
  const res = await deps.models.CalendarOperation.updateOne(
    { _id: op._id, $or: [{ eventId: null }, { eventId }] },
    { $set: { eventId } },
  );
  return res.matchedCount === 1;
}

export async function succeed(
  deps: RecordDeps,
  op: Op,
  eventId: string,
  summary: EventSummary | null,
  at: Date,
): Promise<void> {
  const result = { ...(summary ?? {}), eventId };
  const updated = (await deps.models.CalendarOperation.findOneAndUpdate(
    { _id: op._id, status: 'running' },
    { $set: { status: 'succeeded', eventId, result, error: null } },
    { returnDocument: 'after' },
  ).lean()) as Op | null;
  if (!updated) return; // finished by another run; it emitted the event
  const type = DONE_EVENT[op.kind];
  // The status is written, so no later run emits it: an outage of Redis is waited out here (persist).
  await persist(() =>
    emitEvent(
      deps.queues,
      type,
      { workspaceId: op.workspaceId, connectionId: op.connectionId },
      {
        operationId: op._id,
        idempotencyKey: op.idempotencyKey,
        kind: op.kind,
        eventId,
        event: summary,
        metadata: op.metadata,
      },
      { id: productEventId(type, op._id), occurredAt: at },
    ),
  );
  await recordActivity(deps.models, { _id: op.connectionId, workspaceId: op.workspaceId }, 'calendar', at, {
    operationId: op._id,
    kind: op.kind,
    outcome: DONE_WORD[op.kind],
    eventId,
  });
}

export async function fail(
  deps: RecordDeps,
  op: Op,
  error: { kind: string; code: string; message: string },
  at: Date,
): Promise<void> {
  const updated = (await deps.models.CalendarOperation.findOneAndUpdate(
    { _id: op._id, status: { $in: ['queued', 'running'] } },
    { $set: { status: 'failed', error } },
    { returnDocument: 'after' },
  ).lean()) as Op | null;
  if (!updated) return;
  await persist(() =>
    emitEvent(
      deps.queues,
      'calendar.event_failed',
      { workspaceId: op.workspaceId, connectionId: op.connectionId },
      {
        operationId: op._id,
        idempotencyKey: op.idempotencyKey,
        kind: op.kind,
        eventId: updated.eventId,
        error,
        metadata: op.metadata,
      },
      { id: productEventId('calendar.event_failed', op._id), occurredAt: at },
    ),
  );
  await recordActivity(deps.models, { _id: op.connectionId, workspaceId: op.workspaceId }, 'calendar', at, {
    operationId: op._id,
    kind: op.kind,
    outcome: 'failed',
    code: error.code,
  });
}

/**
 * Puts a running operation back to queued while its job waits (postponed or backing off), so readers see it is not
 * in flight; `waiting` says why (e.g. the connection needs reconnecting) and stays until the operation finishes.
 */
export async function requeue(
  deps: RecordDeps,
  op: Op,
  waiting: { kind: string; code: string; message: string } | null = null,
): Promise<void> {
  await deps.models.CalendarOperation.updateOne(
    { _id: op._id, status: 'running' },
    { $set: { status: 'queued', error: waiting } },
  );
}

/** The timeline line for a 429 (the mailbox gate has paused the whole mailbox until then). */
export async function recordThrottled(deps: RecordDeps, op: Op, untilMs: number, at: Date): Promise<void> {
  await recordActivity(deps.models, { _id: op.connectionId, workspaceId: op.workspaceId }, 'throttled', at, {
    operationId: op._id,
    source: 'calendar',
    until: new Date(untilMs),
  });
}
