import IORedis, { type Redis, type RedisOptions } from 'ioredis';

/** A connection for BullMQ. Workers need maxRetriesPerRequest null (blocking commands); producers fail fast. */
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
    ...extra,
  });
}
