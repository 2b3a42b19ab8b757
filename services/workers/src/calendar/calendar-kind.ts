import { storedRequestSchema, type JobContext, type StoredRequest } from '@outlook-connect/queues';
import { microsoftFailureOf } from '@outlook-connect/mailbox-runtime';
import { canUseCalendar, type CalendarOperationDoc, type ConnectionDoc } from '@outlook-connect/shared';
import type { OperationError, OperationPolicy } from '../operations/outcome';
import type { OperationKind, Step } from '../operations/run-operation';
import type { WorkerDeps } from '../worker-deps';
import { cancelEvent, createEvent, updateEvent } from './calendar-graph';
import { DEFAULT_CALENDAR_POLICY, type CalendarPolicy } from './calendar-policy';
import type { EventSummary } from './graph-event';
import { fail, recordEventId, recordThrottled, requeue, startRun, succeed } from './operation-records';

// A calendar operation (create, update, cancel an event) as a durable operation.

export type CalendarDeps = Pick<WorkerDeps, 'models' | 'queues' | 'graph' | 'health' | 'now' | 'logger'> & {
  calendarPolicy?: CalendarPolicy;
};

type Op = CalendarOperationDoc;
interface CalendarWork {
  request: StoredRequest;
  /** The event an update/cancel acts on. */
  eventId: string | null;
}
type Done = { eventId: string; summary: EventSummary | null };

const failed = (kind: string, code: string, message: string): OperationError => ({ kind, code, message });

export const calendarOperationPolicy = (p: CalendarPolicy): OperationPolicy => ({
  reconnectGraceMs: p.reconnectGraceMs,
  reconnectRecheckMs: p.reconnectRecheckMs,
  maxRuns: p.maxRuns,
  targetRecheckMs: p.targetRecheckMs,
  throttle: { when: 'throttled', defaultMs: p.defaultThrottleMs },
});

const parse = (op: Op) => storedRequestSchema.safeParse(op.request);

export function calendarKind(deps: CalendarDeps): OperationKind<Op, CalendarWork> {
  const at = () => new Date(deps.now());

  /** The event an update/cancel acts on; a create operation still in flight is waited for. */
  async function resolveTarget(op: Op, request: Exclude<StoredRequest, { kind: 'create' }>): Promise<Step<string>> {
    if ('eventId' in request.target) return { work: request.target.eventId };
    const source = (await deps.models.CalendarOperation.findOne({
      _id: request.target.operationId,
      connectionId: op.connectionId,
    }).lean()) as Op | null;
    if (!source || source.kind !== 'create')
      return {
        fail: failed('permanent', 'not_found', `no create operation ${request.target.operationId} on this connection`),
      };
    if (source.status === 'succeeded' && source.eventId) return { work: source.eventId };
    if (source.status === 'failed')
      return {
        fail: failed(
          'permanent',
          'event_not_created',
          `operation ${source._id} did not create its event (${source.error?.code ?? 'failed'})`,
        ),
      };
    return { obstacle: { type: 'target_pending', operationId: source._id } };
  }

  /** Records the event id first (compare-and-set), then the success, the CRM event and the timeline line. */
  async function complete(op: Op, done: Done, ctx: JobContext) {
    if (!(await recordEventId(deps, op, done.eventId))) {
      const current = (await deps.models.CalendarOperation.findById(op._id).lean()) as Op | null;
      ctx.log.error(
        { operationId: op._id, recorded: current?.eventId, got: done.eventId },
        'Graph returned another event than the one recorded; keeping the recorded one',
      );
      done = { eventId: current?.eventId ?? done.eventId, summary: null };
    }
    await succeed(deps, op, done.eventId, done.summary, at());
    return { operationId: op._id, eventId: done.eventId };
  }

  /** The Graph call alone (its errors are Microsoft's, classified there, or the gate's); the store writes come after it. */
  async function callGraph(op: Op, work: CalendarWork): Promise<Done> {
    const client = deps.graph(op.connectionId);
    const { request, eventId } = work;
    if (request.kind === 'create') {
      // attempts counts this run: above 1, an earlier run may have created the event and lost Graph's answer.
      const summary = await createEvent(client, request, op.transactionId, op.attempts > 1);
      return { eventId: summary.eventId, summary };
    }
    if (!eventId) throw new Error('update/cancel without a target event');
    if (request.kind === 'update') return { eventId, summary: await updateEvent(client, eventId, request) };
    await cancelEvent(client, eventId, request);
    return { eventId, summary: null };
  }

  return {
    queue: 'calendar',
    concurrency: 4,
    policy: calendarOperationPolicy(deps.calendarPolicy ?? DEFAULT_CALENDAR_POLICY),

    async open(operationId, ctx) {
      const record = await startRun(deps, operationId);
      if (record) return { record };
      ctx.log.info({ operationId }, 'calendar operation already finished or missing; nothing to do');
      return { done: { skipped: true } };
    },

    validate(op) {
      const parsed = parse(op);
      return parsed.success
        ? null
        : failed(
            'permanent',
            'invalid_request',
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
    },

    async connection(op) {
      const conn = (await deps.models.Connection.findOne({
        _id: op.connectionId,
        workspaceId: op.workspaceId,
      }).lean()) as ConnectionDoc | null;
      if (!conn)
        return { fail: failed('permanent', 'connection_not_found', `connection ${op.connectionId} does not exist`) };
      if (!canUseCalendar(conn.grantedScopes)) {
        return {
          fail: failed(
            'permanent',
            'scope_missing',
            'the connection was not granted Calendars.ReadWrite; reconnect it with the Full + Calendar preset',
          ),
        };
      }
      return { conn };
    },

    async prepare(op, _found, ctx) {
      const request = parse(op).data!;
      let eventId: string | null = null;
      if (request.kind !== 'create') {
        const target = await resolveTarget(op, request);
        if (!('work' in target)) return target;
        eventId = target.work;
      } else if (op.eventId) {
        // The event was made and recorded by a run that died before finishing: finish without calling Graph again.
        return { done: await complete(op, { eventId: op.eventId, summary: null }, ctx) };
      }
      return { work: { request, eventId } };
    },

    async perform(op, work, ctx) {
      return complete(op, await callGraph(op, work), ctx);
    },

    async interpret(err, op, work, ctx) {
      // A cancel repeated after a run that died once Graph had done it: the meeting is already gone.
      if (
        work.request.kind === 'cancel' &&
        op.attempts > 1 &&
        work.eventId &&
        microsoftFailureOf(err)?.code === 'not_found'
      ) {
        return { done: await complete(op, { eventId: work.eventId, summary: null }, ctx) };
      }
      return null;
    },

    dueAtMs: (op) => new Date(op.createdAt).getTime(),
    runs: (op) => op.attempts,

    async fail(op, error) {
      await fail(deps, op, error, at());
    },

    async requeue(op, _work, outcome) {
      await requeue(
        deps,
        op,
        outcome.action === 'postpone' && outcome.why === 'needs_reconnect' ? (outcome.waiting ?? null) : null,
      );
      if (outcome.action === 'postpone' && outcome.why === 'throttled')
        await recordThrottled(deps, op, outcome.untilMs, at());
    },
  };
}
