import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRedis } from '@outlook-connect/queues';
import { progress } from '../lib/progress';
import { parseRedisBenchmarkCsv } from './benchmark-csv';

// The physical limit of this Redis in this run: how many commands per second it executes when fed without pause.

export interface RawRedisRate {
  /** ioredis, one connection, pipelines of 1,000 SETs. */
  pipelinedSetPerSec: number;
  /** ioredis, one connection, one PING at a time (round-trip bound, like one blocking client). */
  sequentialPingPerSec: number;
  /** redis-benchmark -P 16 -c 50, when it is on PATH. */
  redisBenchmark: Record<string, number> | null;
  /** Whether the bench owns this Redis (a redis-server the stack started) or shares it. */
  private: boolean;
  version: string | null;
}

async function timed(ms: number, step: () => Promise<number>): Promise<number> {
  const end = Date.now() + ms;
  const start = Date.now();
  let n = 0;
  while (Date.now() < end) n += await step();
  return (n * 1000) / (Date.now() - start);
}

async function redisBenchmark(url: string): Promise<Record<string, number> | null> {
  const u = new URL(url);
  try {
    const { stdout } = await promisify(execFile)(
      'redis-benchmark',
      [
        '-h',
        u.hostname,
        '-p',
        u.port || '6379',
        ...(u.password ? ['-a', decodeURIComponent(u.password)] : []),
        '-q',
        '-t',
        'ping,set',
        '-n',
        '200000',
        '-P',
        '16',
        '-c',
        '50',
        '--csv',
      ],
      { timeout: 60_000 },
    );
    return parseRedisBenchmarkCsv(stdout);
  } catch {
    return null;
  }
}

export async function measureRawRedisRate(url: string, keyPrefix: string, isPrivate: boolean): Promise<RawRedisRate> {
  const redis = createRedis(url, 'producer');
  try {
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? null;
    const key = (i: number) => `${keyPrefix}:raw:${i % 1000}`;
    const pipelinedSetPerSec = await timed(3_000, async () => {
      const p = redis.pipeline();
      for (let i = 0; i < 1000; i++) p.set(key(i), 'x');
      await p.exec();
      return 1000;
    });
    const sequentialPingPerSec = await timed(1_000, async () => {
      await redis.ping();
      return 1;
    });
    progress(
      `  ioredis: ${Math.round(pipelinedSetPerSec)} pipelined SET/s, ${Math.round(sequentialPingPerSec)} sequential PING/s; running redis-benchmark`,
    );
    // Not on a Redis others use: it would load their work and ours alike.
    const bench = isPrivate ? await redisBenchmark(url) : null;
    const keys = Array.from({ length: 1000 }, (_, i) => key(i));
    await redis.unlink(...keys);
    // redis-benchmark writes key:__rand_int__ style keys only with -r; without it, the single key "key:__rand_int__".
    if (bench) await redis.unlink('key:__rand_int__');
    return { pipelinedSetPerSec, sequentialPingPerSec, redisBenchmark: bench, private: isPrivate, version };
  } finally {
    redis.disconnect();
  }
}
