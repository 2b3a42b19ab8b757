import { randomUUID } from 'node:crypto';

export interface TestIsolation {
  /** A database name of its own (MongoDB limits names to 63 bytes). */
  dbName: string;
  /** A BullMQ prefix of its own. */
  queuePrefix: string;
  redisUrl: string;
  mongoUrl: string;
  /** MONGO_URL with the test's own database in the path. */
  mongoDbUrl: string;
}

/** Gives one test file its own database and queue prefix, so files run in parallel and in any order. */
export function testIsolation(label = 'test'): TestIsolation {
  const redisUrl = process.env.REDIS_URL;
  const mongoUrl = process.env.MONGO_URL;
  if (!redisUrl || !mongoUrl) {
    throw new Error(
      'REDIS_URL and MONGO_URL are not set: run integration tests through `npm test` (test/stack starts them)',
    );
  }
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const safe = label.replace(/[^A-Za-z0-9]/g, '').slice(0, 20) || 'test';
  const dbName = `t_${safe}_${id}`;
  const u = new URL(mongoUrl);
  u.pathname = `/${dbName}`;
  return { dbName, queuePrefix: `test-${safe}-${id}`, redisUrl, mongoUrl, mongoDbUrl: u.toString() };
}
