import { UnrecoverableError } from 'bullmq';
import { catalog, handlerFor, postpone, storedRequestSchema, type HandlerRegistration, type JobContext, type StoredRequest } from '@outlook-connect/queues';
import { canUseCalendar, classifyMicrosoftError, type CalendarOperationDoc, type ConnectionDoc } from '@outlook-connect/shared';
import type { WorkerDeps } from '../worker-deps';
import { connectionUnusableOf, mailboxBusyOf, microsoftFailureOf } from '@outlook-connect/mailbox-runtime';
import { cancelEvent, createEvent, updateEvent } from './calendar-graph';
import { decideOutcome, type FailedOutcome, type Obstacle } from './calendar-outcome';
import { DEFAULT_CALENDAR_POLICY, type CalendarPolicy } from './calendar-policy';
import type { EventSummary } from './graph-event';
import { fail, recordEventId, recordThrottled, requeue, startRun, succeed } from './operation-records';

export type CalendarDeps = Pick<WorkerDeps, 'models' | 'queues' | 'graph' | 'health' | 'now' | 'logger'> & { calendarPolicy?: CalendarPolicy };

type Op = CalendarOperationDoc;
type Target = { eventId: string } | { obstacle: Obstacle } | { failed: FailedOutcome };

/** Stops the run here with a decided failure (recorded already): no further queue attempts. */
class OperationFailed extends UnrecoverableError {}

const reasonOf = (o: Obstacle): string => (o.type === 'unusable' ? o.reasonCode : o.type === 'microsoft' ? o.failure.code : o.type);

const failed = (kind: string, code: string, message: string): FailedOutcome => ({ action: 'fail', kind, code, message });

export function createCalendarHandler(deps: CalendarDeps): HandlerRegistration<'calendar'> {
  const policy = deps.calendarPolicy ?? DEFAULT_CALENDAR_POLICY;
  const at = () => new Date(deps.now());

  async function finishFailed(op: Op, outcome: FailedOutcome, ctx: JobContext): Promise<never> {
    await fail(deps, op, { kind: outcome.kind, code: outcome.code, message: outcome.message }, at());
    ctx.log.warn({ operationId: op._id, code: outcome.code }, 'calendar operation failed');
    throw new OperationFailed(`calendar operation ${op._id} failed: ${outcome.code}`);
  }

  /** The event an update/cancel acts on; a create operation still in flight is waited for. */
  async function resolveTarget(op: Op, request: Exclude<StoredRequest, { kind: 'create' }>): Promise<Target> {
    if ('eventId' in request.target) return { eventId: request.target.eventId };
    const source = (await deps.models.CalendarOperation.findOne({ _id: request.target.operationId, connectionId: op.connectionId }).lean()) as Op | null;
    if (!source || source.kind !== 'create') return { failed: failed('permanent', 'not_found', `no create operation ${request.target.operationId} on this connection`) };
    if (source.status === 'succeeded' && source.eventId) return { eventId: source.eventId };
    if (source.status === 'failed') return { failed: failed('permanent', 'event_not_created', `operation ${source._id} did not create its event (${source.error?.code ?? 'failed'})`) };
    return { obstacle: { type: 'target_pending', operationId: source._id } };
  }

  /** The Graph call alone (its errors are Microsoft's or the gate's); the store writes come after it. */
  async function callGraph(op: Op, request: StoredRequest, eventId: string | null): Promise<{ eventId: string; summary: EventSummary | null }> {
    const client = deps.graph(op.connectionId);
    if (request.kind === 'create') {
      const summary = await createEvent(client, request, op.transactionId);
      return { eventId: summary.eventId, summary };
    }
    if (!eventId) throw new Error('update/cancel without a target event');
    if (request.kind === 'update') return { eventId, summary: await updateEvent(client, eventId, request) };
    await cancelEvent(client, eventId, request);
    return { eventId, summary: null };
  }

  /** Records the event id first (compare-and-set), then the success, the CRM event and the timeline line. */
  async function complete(op: Op, done: { eventId: string; summary: EventSummary | null }, ctx: JobContext) {
    if (!(await recordEventId(deps, op, done.eventId))) {
      const current = (await deps.models.CalendarOperation.findById(op._id).lean()) as Op | null;
      ctx.log.error({ operationId: op._id, recorded: current?.eventId, got: done.eventId }, 'Graph returned another event than the one recorded; keeping the recorded one');
      done = { eventId: current?.eventId ?? done.eventId, summary: null };
    }
    await succeed(deps, op, done.eventId, done.summary, at());
    return { operationId: op._id, eventId: done.eventId };
  }

  async function obstacleOf(conn: ConnectionDoc, err: unknown): Promise<Obstacle> {
    const busy = mailboxBusyOf(err);
    if (busy) return { type: 'busy', retryAtMs: busy.retryAtMs, why: busy.why };
    const unusable = connectionUnusableOf(err);
    if (unusable) return { type: 'unusable', status: unusable.status, reasonCode: unusable.reasonCode };
    // Classified once at the Graph call (calendar-graph.ts); anything else (our own trouble) is classified here.
    const failure = microsoftFailureOf(err) ?? classifyMicrosoftError(err, { now: deps.now() });
    if (failure.kind === 'reconnect_required' || failure.kind === 'app_credentials') {
      await deps.health.reportFailure(conn._id, failure);
    }
    return { type: 'microsoft', failure };
  }

  async function handle(payload: { operationId: string }, ctx: JobContext): Promise<unknown> {
    const op = await startRun(deps, payload.operationId);
    if (!op) {
      ctx.log.info({ operationId: payload.operationId }, 'calendar operation already finished or missing; nothing to do');
      return { skipped: true };
    }
    // The payload names only the operation: bind the connection so every line of this job carries it.
    ctx.log.setBindings({ connectionId: op.connectionId });
    // Validated again here: the record may come from an older producer.
    const parsed = storedRequestSchema.safeParse(op.request);
    if (!parsed.success) return finishFailed(op, failed('permanent', 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')), ctx);
    const request = parsed.data;

    const conn = (await deps.models.Connection.findOne({ _id: op.connectionId, workspaceId: op.workspaceId }).lean()) as ConnectionDoc | null;
    if (!conn) return finishFailed(op, failed('permanent', 'connection_not_found', `connection ${op.connectionId} does not exist`), ctx);
    if (!canUseCalendar(conn.grantedScopes)) {
      return finishFailed(op, failed('permanent', 'scope_missing', 'the connection was not granted Calendars.ReadWrite; reconnect it with the Full + Calendar preset'), ctx);
    }

    let obstacle: Obstacle | null = null;
    let caught: unknown;
    let eventId: string | null = null;
    if (conn.status !== 'active') {
      const reason = conn.statusReason;
      const detail = reason ? [reason.message, reason.remediation].filter(Boolean).join(' ') : undefined;
      obstacle = { type: 'unusable', status: conn.status, reasonCode: reason?.code ?? conn.status, ...(detail ? { detail } : {}) };
    } else if (request.kind !== 'create') {
      const target = await resolveTarget(op, request);
      if ('failed' in target) return finishFailed(op, target.failed, ctx);
      if ('obstacle' in target) obstacle = target.obstacle;
      else eventId = target.eventId;
    }

    // The event was made and recorded by a run that died before finishing: finish without calling Graph again.
    if (!obstacle && request.kind === 'create' && op.eventId) return complete(op, { eventId: op.eventId, summary: null }, ctx);

    if (!obstacle) {
      let done: { eventId: string; summary: EventSummary | null } | null = null;
      try {
        done = await callGraph(op, request, eventId);
      } catch (err) {
        caught = err;
        obstacle = await obstacleOf(conn, err);
      }
      if (done) return complete(op, done, ctx);
      // A cancel repeated after a run that died once Graph had done it: the meeting is already gone.
      if (request.kind === 'cancel' && op.attempts > 1 && eventId && obstacle?.type === 'microsoft' && obstacle.failure.code === 'not_found') {
        return complete(op, { eventId, summary: null }, ctx);
      }
    }
    if (!obstacle) throw new Error('unreachable: no result and no obstacle');

    const outcome = decideOutcome(
      {
        obstacle,
        nowMs: deps.now(),
        createdAtMs: new Date(op.createdAt).getTime(),
        runs: op.attempts,
        attemptsMade: ctx.job.attemptsMade + 1,
        maxAttempts: ctx.job.opts.attempts ?? catalog.calendar.attempts,
      },
      policy,
    );
    if (outcome.action === 'fail') return finishFailed(op, outcome, ctx);
    if (outcome.action === 'postpone') {
      const waiting =
        outcome.why === 'needs_reconnect'
          ? { kind: 'connection_unusable', code: reasonOf(obstacle), message: `waiting for the connection to be reconnected; gives up at ${new Date(new Date(op.createdAt).getTime() + policy.reconnectGraceMs).toISOString()}` }
          : null;
      await requeue(deps, op, waiting);
      if (outcome.why === 'throttled') await recordThrottled(deps, op, outcome.untilMs, at());
      ctx.log.info({ operationId: op._id, why: outcome.why, until: new Date(outcome.untilMs).toISOString() }, 'calendar operation postponed');
      throw await postpone(ctx, outcome.untilMs);
    }
    await requeue(deps, op);
    ctx.log.warn({ operationId: op._id, code: outcome.code }, 'calendar operation failed transiently; the queue retries it');
    throw caught instanceof Error ? caught : new Error(outcome.code);
  }

  return handlerFor('calendar', handle, 4);
}

/** The handler map's entry (services/workers/src/handlers.ts). */
export const calendarRegistration = (deps: CalendarDeps): HandlerRegistration<'calendar'> => createCalendarHandler(deps);
