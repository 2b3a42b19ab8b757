import { UnrecoverableError } from 'bullmq';
import { catalog, handlerFor, postpone, type HandlerRegistration, type JobContext } from '@outlook-connect/queues';
import {
  connectionUnusableOf,
  mailboxBusyOf,
  microsoftFailureOf,
  type AccessTokenSeed,
  type ConnectionHealth,
} from '@outlook-connect/mailbox-runtime';
import { dependencyFailureOf, type ConnectionDoc, type Models } from '@outlook-connect/shared';
import { decideOutcome, type Obstacle, type OperationError, type OperationPolicy, type Outcome } from './outcome';

// The one runner of durable work against a mailbox (sends, calendar operations, whatever comes next): load the record,
// revalidate it, load the connection, wait (bounded) for a reconnect, prepare, call Graph, and on trouble decide
// postpone / retry / fail once (outcome.ts). Each kind is a small strategy: its record, its checks, its Graph work.

export interface OperationRecord {
  _id: string;
  connectionId: string;
}

/** What a step of a kind says: go on with `work`, stop with a result, fail the operation, or meet an obstacle. */
export type Step<W> =
  { work: W } | { done: unknown } | { fail: OperationError } | { obstacle: Obstacle } | { rethrow: unknown };

export interface Found {
  conn: ConnectionDoc;
  /** The first Graph request's token, when the kind read it with the connection. */
  seed?: AccessTokenSeed;
}

export interface OperationKind<R extends OperationRecord, W> {
  queue: 'send' | 'calendar';
  concurrency?: number;
  policy: OperationPolicy;
  /** The record for this run (a kind may take it here); `done` when there is nothing to do. */
  open(id: string, ctx: JobContext): Promise<{ record: R } | { done: unknown }>;
  /** Checked again on the way out: a record written by an older producer must not reach Graph malformed. */
  validate(record: R): OperationError | null;
  /** Not due yet (a scheduled send): the job waits until then. */
  notBefore?(record: R, nowMs: number): number | null;
  /** The connection in one read (a kind may read its token with it); a kind may fail here (no such connection, scopes). */
  connection(record: R): Promise<Found | { fail: OperationError }>;
  /** After the connection is known active: the remaining checks and claims, then the work to do. */
  prepare(record: R, found: Found, ctx: JobContext): Promise<Step<W>>;
  /** The Graph work and the record of its success; returns the job's result. */
  perform(record: R, work: W, ctx: JobContext): Promise<unknown>;
  /** A kind's own reading of an error from perform (before the shared one); null to leave it to the runner. */
  interpret?(err: unknown, record: R, work: W, ctx: JobContext): Promise<Step<never> | null>;
  /** When the operation was due: the reconnect grace counts from there. */
  dueAtMs(record: R): number;
  runs(record: R): number;
  fail(record: R, error: OperationError): Promise<void>;
  /** The record goes back to waiting (postponed or retried); `work` is null when the run stopped before preparing it. */
  requeue(record: R, work: W | null, outcome: Exclude<Outcome, { action: 'fail' }>, obstacle: Obstacle): Promise<void>;
}

export interface RunnerDeps {
  models: Pick<Models, 'Connection'>;
  health: ConnectionHealth;
  now: () => number;
}

/** A decided failure, already recorded (status failed, its event emitted): no further queue attempts. */
export class OperationFailed extends UnrecoverableError {}

const unusableOf = (conn: ConnectionDoc): Obstacle => {
  const reason = conn.statusReason;
  const detail = reason ? [reason.message, reason.remediation].filter(Boolean).join(' ') : undefined;
  return {
    type: 'unusable',
    status: conn.status,
    reasonCode: reason?.code ?? conn.status,
    ...(detail ? { detail } : {}),
  };
};

export function operationHandler<R extends OperationRecord, W>(
  deps: RunnerDeps,
  kind: OperationKind<R, W>,
): HandlerRegistration<'send' | 'calendar'> {
  const notFound = (record: R): OperationError => ({
    kind: 'permanent',
    code: 'connection_not_found',
    message: `connection ${record.connectionId} does not exist`,
  });

  async function fail(record: R, error: OperationError, ctx: JobContext): Promise<never> {
    await kind.fail(record, error);
    ctx.log.warn({ id: record._id, code: error.code }, `${kind.queue} operation failed`);
    throw new OperationFailed(`${kind.queue} ${record._id} failed: ${error.code}`);
  }

  /** The shared reading of an error from the work: the gate's, the connection's, Microsoft's (classified at the call), ours. */
  async function obstacleOf(record: R, err: unknown): Promise<Obstacle> {
    const busy = mailboxBusyOf(err);
    if (busy) return { type: 'busy', retryAtMs: busy.retryAtMs, why: busy.why };
    const unusable = connectionUnusableOf(err);
    if (unusable) return { type: 'unusable', status: unusable.status, reasonCode: unusable.reasonCode };
    const failure = microsoftFailureOf(err);
    if (!failure) {
      const message = err instanceof Error ? err.message : String(err);
      const down = dependencyFailureOf(err);
      return down
        ? { type: 'unavailable', dependency: down.dependency, name: down.name, message }
        : { type: 'internal', message };
    }
    if (failure.kind === 'reconnect_required' || failure.kind === 'app_credentials')
      await deps.health.reportFailure(record.connectionId, failure);
    return { type: 'microsoft', failure };
  }

  /** A reconnect wait names the connection's own reason: read it as it is now (marked just before, maybe). */
  async function withReason(record: R, obstacle: Obstacle): Promise<Obstacle | null> {
    const reconnect =
      obstacle.type === 'unusable' ||
      (obstacle.type === 'microsoft' &&
        (obstacle.failure.kind === 'reconnect_required' || obstacle.failure.kind === 'app_credentials'));
    if (!reconnect || (obstacle.type === 'unusable' && obstacle.detail)) return obstacle;
    const conn = (await deps.models.Connection.findById(record.connectionId).lean()) as ConnectionDoc | null;
    if (!conn) return null;
    return conn.status === 'active' ? obstacle : unusableOf(conn);
  }

  async function stop(
    record: R,
    work: W | null,
    obstacle: Obstacle,
    ctx: JobContext,
    caught?: unknown,
  ): Promise<never> {
    const current = await withReason(record, obstacle);
    if (!current) return fail(record, notFound(record), ctx);
    const outcome = decideOutcome(
      {
        obstacle: current,
        nowMs: deps.now(),
        dueAtMs: kind.dueAtMs(record),
        runs: kind.runs(record),
        attemptsMade: ctx.job.attemptsMade + 1,
        maxAttempts: ctx.job.opts.attempts ?? catalog[kind.queue].attempts,
      },
      kind.policy,
    );
    if (outcome.action === 'fail') return fail(record, outcome.error, ctx);
    await kind.requeue(record, work, outcome, current);
    if (outcome.action === 'postpone') {
      ctx.log.info(
        { id: record._id, why: outcome.why, until: new Date(outcome.untilMs).toISOString() },
        `${kind.queue} operation postponed`,
      );
      throw await postpone(ctx, outcome.untilMs);
    }
    ctx.log.warn(
      { id: record._id, code: outcome.code },
      `${kind.queue} operation failed transiently; the queue retries it`,
    );
    throw caught instanceof Error ? caught : new Error(outcome.code);
  }

  async function follow(
    record: R,
    work: W | null,
    step: Step<unknown>,
    ctx: JobContext,
    caught?: unknown,
  ): Promise<unknown> {
    if ('done' in step) return step.done;
    if ('fail' in step) return fail(record, step.fail, ctx);
    if ('rethrow' in step) throw step.rethrow;
    if ('obstacle' in step) return stop(record, work, step.obstacle, ctx, caught);
    throw new Error('unreachable: a step with work');
  }

  return handlerFor(
    kind.queue,
    async (payload, ctx) => {
      const id = 'sendId' in payload ? payload.sendId : payload.operationId;
      const opened = await kind.open(id, ctx);
      if ('done' in opened) return opened.done;
      const { record } = opened;
      // The payload names only the record: bind the connection so every line of this job carries it.
      ctx.log.setBindings({ connectionId: record.connectionId });
      const invalid = kind.validate(record);
      if (invalid) return fail(record, invalid, ctx);
      const due = kind.notBefore?.(record, deps.now());
      if (due) throw await postpone(ctx, due);

      const found = await kind.connection(record);
      if ('fail' in found) return fail(record, found.fail, ctx);
      if (found.conn.status !== 'active') return stop(record, null, unusableOf(found.conn), ctx);

      const prepared = await kind.prepare(record, found, ctx);
      if (!('work' in prepared)) return follow(record, null, prepared, ctx);
      const { work } = prepared;
      try {
        return await kind.perform(record, work, ctx);
      } catch (err) {
        const own = await kind.interpret?.(err, record, work, ctx);
        if (own) return follow(record, work, own, ctx, err);
        return stop(record, work, await obstacleOf(record, err), ctx, err);
      }
    },
    kind.concurrency,
  ) as HandlerRegistration<'send' | 'calendar'>;
}
