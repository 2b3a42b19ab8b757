import { testIsolation } from '@outlook-connect/shared/testing';
import { createRedis, deleteKeysMatching, redisKeys } from '@outlook-connect/queues';
import { acquireLease as acquireLock, isLeased as isLocked } from './lease';

describe('refresh lock on a real Redis', () => {
  const iso = testIsolation('refreshlock');
  const redis = createRedis(iso.redisTarget, 'producer');
  const prefix = `{${iso.queuePrefix}}`;

  afterAll(async () => {
    await deleteKeysMatching(redis, ...redisKeys.keyPatterns(prefix));
    redis.disconnect();
  });

  it('is held by one caller at a time and freed by its holder', async () => {
    const key = redisKeys.refreshLock(prefix, 'conn_a');
    const first = await acquireLock(redis, key, 10_000);
    expect(first).not.toBeNull();
    expect(await acquireLock(redis, key, 10_000)).toBeNull();
    expect(await isLocked(redis, key)).toBe(true);
    expect(await first!.release()).toBe(true);
    expect(await isLocked(redis, key)).toBe(false);
    const again = await acquireLock(redis, key, 10_000);
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('does not free a lock that expired and was taken by another holder', async () => {
    const key = redisKeys.refreshLock(prefix, 'conn_b');
    const stale = await acquireLock(redis, key, 50);
    expect(stale).not.toBeNull();
    await new Promise((r) => setTimeout(r, 120));
    const current = await acquireLock(redis, key, 10_000);
    expect(current).not.toBeNull();
    expect(await stale!.release()).toBe(false);
    expect(await redis.get(key)).toBe(current!.token);
    expect(await current!.release()).toBe(true);
  });

  it('lets exactly one of many concurrent callers in', async () => {
    const key = redisKeys.refreshLock(prefix, 'conn_c');
    const results = await Promise.all(Array.from({ length: 20 }, () => acquireLock(redis, key, 10_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await results.find(Boolean)!.release();
  });
});
