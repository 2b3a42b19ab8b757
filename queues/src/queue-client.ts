import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { RedisConnection } from './redis';
import { catalog, type Payload, type QueueName, type QueueSpec } from './catalog';
import { createEventCarrier, eventSchema, type EventName, type ProductEvent } from './events';
import { clusterSafePrefix } from './prefix';

export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
  constructor(
    readonly queue: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(`invalid ${queue} payload: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}`);
  }
}

export function validatePayload<Q extends QueueName>(queue: Q, payload: unknown): Payload<Q> {
  const result = catalog[queue].schema.safeParse(payload);
  if (!result.success) {
    throw new InvalidPayloadError(
      queue,
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return result.data as Payload<Q>;
}

/** The catalog's defaults a job of this queue stores (see `storedJobOptions`; the worker applies the rest). */
export function jobOptionsFor(queue: QueueName): JobsOptions {
  const spec: QueueSpec = catalog[queue];
  if (spec.storedJobOptions === 'attempts') return { attempts: spec.attempts };
  return {
    attempts: spec.attempts,
    backoff: spec.backoff,
    removeOnComplete: spec.removeOnComplete,
    removeOnFail: spec.removeOnFail,
  };
}

export interface EmitInput {
  type: EventName;
  workspaceId: string;
  connectionId?: string;
  appId?: string;
  data: Record<string, unknown>;
  /** From eventId (one convention): an event emitted twice (e.g. `send.sent` of one send) is delivered once (by its
   * webhook delivery's id). */
  id: string;
  occurredAt?: Date;
}

export interface QueueClient {
  readonly prefix: string;
  enqueue<Q extends QueueName>(
    queue: Q,
    payload: Payload<Q>,
    opts?: Pick<JobsOptions, 'jobId' | 'delay' | 'priority'>,
  ): Promise<Job>;
  /** Resolves once the event is in Redis, in an `events` job with the others emitted meanwhile (events/carrier.ts). */
  emit(event: EmitInput): Promise<ProductEvent>;
  /** Many events at once (each validated first; emitted twice, an event is still delivered once, as with emit). */
  emitMany(events: readonly EmitInput[]): Promise<ProductEvent[]>;
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

/** An event as the CRM will read it (dates as ISO strings), checked against its type's schema in the catalog. */
function toEvent(input: EmitInput): ProductEvent {
  const occurredAt = (input.occurredAt ?? new Date()).toISOString();
  const data = JSON.parse(JSON.stringify(input.data)) as Record<string, unknown>;
  const parsed = eventSchema.safeParse({
    id: input.id,
    type: input.type,
    workspaceId: input.workspaceId,
    connectionId: input.connectionId,
    appId: input.appId,
    occurredAt,
    data,
  });
  if (!parsed.success)
    throw new InvalidPayloadError(
      `events (${input.type})`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return parsed.data;
}

/** The producer side of the catalog: validates every payload before it reaches Redis. */
export function createQueueClient(opts: { connection: RedisConnection; prefix: string }): QueueClient {
  const prefix = clusterSafePrefix(opts.prefix);
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName): Queue => {
    let q = queues.get(name);
    if (!q) {
      const eventsMaxLen = (catalog[name] as QueueSpec).eventsMaxLen;
      q = new Queue(name, {
        connection: opts.connection,
        prefix,
        defaultJobOptions: jobOptionsFor(name),
        ...(eventsMaxLen ? { streams: { events: { maxLen: eventsMaxLen } } } : {}),
      });
      queues.set(name, q);
    }
    return q;
  };

  const carrier = createEventCarrier(
    () => queue('events'),
    () => jobOptionsFor('events'),
  );

  return {
    prefix,
    queue,
    async enqueue(name, payload, jobOpts = {}) {
      const data = validatePayload(name, payload);
      return queue(name).add(name, data, { ...jobOptionsFor(name), ...jobOpts });
    },
    async emit(input) {
      const event = toEvent(input);
      await carrier.add([event]);
      return event;
    },
    async emitMany(inputs) {
      const events = inputs.map(toEvent);
      await carrier.add(events);
      return events;
    },
    async close() {
      await carrier.flush();
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
