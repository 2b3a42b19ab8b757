import type { RedisConnection } from '@outlook-connect/queues';
import type { Connection } from 'mongoose';
import { queueNames, type QueueClient } from '@outlook-connect/queues';
import type { Logger } from '@outlook-connect/shared';
import { DependencyUnavailableError, type Dependency, type DependencyState } from './dependency-errors';

export interface DependencyWatch {
  /** Whether each dependency answered its last probe (Redis: its connection is ready). */
  state(): DependencyState;
  /** How long the store has not answered, in ms (0 while it answers). */
  storeDownForMs(): number;
  /** One probe of each, now (readiness asks for a fresh answer). */
  probe(): Promise<DependencyState>;
  close(): void;
}

/**
 * Probes the store and Redis every `intervalMs` and logs each outage once when it starts and once when it ends
 * (ioredis' own error events are handled here: without a listener every retry prints an unhandled error).
 */
export function watchDependencies(opts: {
  store: Connection;
  redis: RedisConnection;
  logger: Logger;
  intervalMs?: number;
  probeTimeoutMs?: number;
  now?: () => number;
}): DependencyWatch {
  const now = opts.now ?? Date.now;
  const down = new Map<Dependency, { since: number; reason: string }>();
  let storeOk = true;
  const mark = (dep: Dependency, ok: boolean, reason = '') => {
    const was = down.get(dep);
    if (ok && was) {
      down.delete(dep);
      opts.logger.info({ dependency: dep, downForMs: now() - was.since }, 'dependency: available again');
    } else if (!ok && !was) {
      down.set(dep, { since: now(), reason });
      opts.logger.warn({ dependency: dep, reason }, 'dependency: unavailable');
    }
  };
  opts.redis.on('error', (err: Error) => mark('redis', false, err.message));
  opts.redis.on('ready', () => mark('redis', true));
  opts.redis.on('end', () => mark('redis', false, 'connection ended'));
  const timeout = opts.probeTimeoutMs ?? 2000;
  const pingStore = async () => {
    const db = opts.store.db;
    if (!db) return false;
    const ping = db
      .admin()
      .command({ ping: 1 }, { timeoutMS: timeout } as never)
      .then(
        () => true,
        () => false,
      );
    return Promise.race([ping, new Promise<boolean>((r) => setTimeout(() => r(false), timeout).unref())]);
  };
  const probe = async (): Promise<DependencyState> => {
    storeOk = await pingStore();
    mark('store', storeOk, 'does not answer a ping');
    const redisOk = opts.redis.status === 'ready';
    return { store: storeOk, redis: redisOk };
  };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void probe().finally(() => (running = false));
  }, opts.intervalMs ?? 2000);
  timer.unref();
  return {
    state: () => ({ store: storeOk, redis: opts.redis.status === 'ready' }),
    storeDownForMs: () => {
      const d = down.get('store');
      return d ? now() - d.since : 0;
    },
    probe,
    close: () => clearInterval(timer),
  };
}

/** The queue producers, failing fast (503) while Redis is not connected instead of waiting for it (BullMQ would). */
export function guardQueues(queues: QueueClient, redis: RedisConnection, timeoutMs: number): QueueClient {
  // Each BullMQ queue re-emits its connection's errors and prints them when nobody listens; the watch logs them once.
  for (const name of queueNames) queues.queue(name).on('error', () => undefined);
  const bounded = async <T>(work: () => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready') throw new DependencyUnavailableError('redis');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_r, reject) => {
      timer = setTimeout(
        () => reject(new DependencyUnavailableError('redis', 'Redis did not answer in time.')),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([work(), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    prefix: queues.prefix,
    queue: (name) => queues.queue(name),
    enqueue: (name, payload, o) => bounded(() => queues.enqueue(name, payload, o)),
    emit: (event) => bounded(() => queues.emit(event)),
    emitMany: (events) => bounded(() => queues.emitMany(events)),
    close: () => queues.close(),
  };
}
