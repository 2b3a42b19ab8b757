import { DelayedError, UnrecoverableError, Worker, type Job, type JobJson, type WorkerOptions } from 'bullmq';
import type { RedisConnection } from './redis';
import type { Logger } from 'pino';
import { catalog, workerQueueNames, type Payload, type QueueName, type QueueSpec } from './catalog';
import { InvalidPayloadError, validatePayload } from './queue-client';
import { clusterSafePrefix } from './prefix';

export interface JobContext {
  job: Job;
  token?: string;
  signal?: AbortSignal;
  /** Child logger carrying queue, job id and connection id. */
  log: Logger;
}

export type Handler<Q extends QueueName> = (payload: Payload<Q>, ctx: JobContext) => Promise<unknown>;

export interface HandlerRegistration<Q extends QueueName = QueueName> {
  queue: Q;
  handle: Handler<Q>;
  concurrency?: number;
}

/** Typed helper so each handler file can export a registration. */
export function handlerFor<Q extends QueueName>(
  queue: Q,
  handle: Handler<Q>,
  concurrency?: number,
): HandlerRegistration<Q> {
  return { queue, handle, concurrency };
}

export class HandlerMapError extends Error {
  override name = 'HandlerMapError';
}

/** Every served queue needs exactly one handler, and every handler a queue in the catalog. */
export function checkHandlers(
  registrations: HandlerRegistration[],
  served: readonly QueueName[] = workerQueueNames,
): void {
  const problems: string[] = [];
  for (const q of served) {
    const n = registrations.filter((r) => r.queue === q).length;
    if (n === 0) problems.push(`queue "${q}" has no handler`);
    if (n > 1) problems.push(`queue "${q}" has ${n} handlers`);
  }
  for (const r of registrations) {
    if (!(r.queue in catalog)) problems.push(`handler for unknown queue "${r.queue}"`);
    else if (!served.includes(r.queue))
      problems.push(`handler for queue "${r.queue}", which this process does not serve`);
  }
  if (problems.length) throw new HandlerMapError(`refusing to start workers: ${problems.join('; ')}`);
}

/** Postpones the current job without using an attempt (limits, Retry-After pauses). Throw what it returns. */
export async function postpone(ctx: JobContext, untilMs: number): Promise<DelayedError> {
  await ctx.job.moveToDelayed(Math.ceil(untilMs), ctx.token);
  return new DelayedError();
}

/**
 * What every log line of a job carries: queue, job id, attempt, and the connection when the payload names it.
 * Handlers whose payload names a record instead (send, calendar) add it once loaded: `ctx.log.setBindings({ connectionId })`.
 */
export function jobLogBindings(
  queue: QueueName,
  job: Pick<Job, 'id' | 'data' | 'attemptsMade'>,
): Record<string, unknown> {
  const data = job.data as Record<string, unknown> | undefined;
  return {
    queue,
    jobId: job.id,
    connectionId: typeof data?.connectionId === 'string' ? data.connectionId : undefined,
    attempt: job.attemptsMade + 1,
  };
}

/**
 * A worker that applies its queue's catalog defaults to jobs that do not store them (`storedJobOptions`): the
 * backoff, to each job as it is read (BullMQ reads it from the job on a failure), and the retention, as the worker's
 * own removeOnComplete/removeOnFail (BullMQ's fallback for a job without them).
 */
class CatalogWorker extends Worker {
  private readonly spec: QueueSpec;

  constructor(queue: QueueName, processor: ConstructorParameters<typeof Worker>[1], opts: WorkerOptions) {
    const spec: QueueSpec = catalog[queue];
    super(queue, processor, { ...opts, removeOnComplete: spec.removeOnComplete, removeOnFail: spec.removeOnFail });
    this.spec = spec;
  }

  protected override createJob(data: JobJson, jobId: string): Job {
    const job = super.createJob(data, jobId);
    job.opts.backoff ??= { ...this.spec.backoff };
    return job;
  }
}

export interface WorkersOptions {
  registrations: HandlerRegistration[];
  served?: readonly QueueName[];
  connection: RedisConnection;
  prefix: string;
  logger: Logger;
  defaultConcurrency?: number;
  /** BullMQ job lock (and stalled-check interval): how soon a job of a crashed process runs again elsewhere. Default 30 s. */
  lockDurationMs?: number;
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

export function startWorkers(opts: WorkersOptions): RunningWorkers {
  checkHandlers(opts.registrations, opts.served);
  const prefix = clusterSafePrefix(opts.prefix);
  const workers = opts.registrations.map((reg) => {
    const worker = new CatalogWorker(
      reg.queue,
      async (job: Job, token?: string, signal?: AbortSignal) => {
        const log = opts.logger.child(jobLogBindings(reg.queue, job));
        let payload: Payload<typeof reg.queue>;
        try {
          // Validated again on the way out: a producer on an older version must not feed a handler bad data.
          payload = validatePayload(reg.queue, job.data);
        } catch (err) {
          if (err instanceof InvalidPayloadError) {
            log.error({ issues: err.issues }, 'job payload is invalid; failing without retry');
            throw new UnrecoverableError(err.message);
          }
          throw err;
        }
        return reg.handle(payload, { job, token, signal, log });
      },
      {
        connection: opts.connection,
        prefix,
        concurrency: reg.concurrency ?? opts.defaultConcurrency ?? 10,
        autorun: true,
        ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: opts.lockDurationMs } : {}),
      },
    );
    worker.on('failed', (job, err) => {
      if (err instanceof DelayedError || err?.name === 'DelayedError') return;
      opts.logger.warn(
        { ...(job ? jobLogBindings(reg.queue, job) : { queue: reg.queue }), err, attemptsMade: job?.attemptsMade },
        'job failed',
      );
    });
    worker.on('error', (err) => opts.logger.error({ queue: reg.queue, err }, 'worker error'));
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
