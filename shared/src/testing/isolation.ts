import { randomUUID } from 'node:crypto';
import { redisEnv } from '../config/env-fragments';
import { parseEnv } from '../config/parse-env';

export interface TestIsolation {
  /** A database name of its own (MongoDB limits names to 63 bytes). */
  dbName: string;
  /** A BullMQ prefix of its own. */
  queuePrefix: string;
  redisUrl: string;
  /** Set when the stack runs a Redis Cluster (`REDIS_CLUSTER=1`): its seed nodes, host:port comma-separated. */
  redisClusterNodes?: string;
  /** What createRedis takes: REDIS_URL, and a cluster's seed nodes when there is one. */
  redisTarget: { url: string; clusterNodes?: Array<{ host: string; port: number }> };
  /** REDIS_URL (and REDIS_CLUSTER_NODES on a cluster) for a service's environment. */
  redisEnv: Record<string, string>;
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
  const redisClusterNodes = process.env.REDIS_CLUSTER_NODES || undefined;
  const { REDIS_CLUSTER_NODES: clusterNodes } = parseEnv('tests', redisEnv, {
    REDIS_URL: redisUrl,
    REDIS_CLUSTER_NODES: redisClusterNodes,
  });
  return {
    dbName,
    queuePrefix: `test-${safe}-${id}`,
    redisUrl,
    redisClusterNodes,
    redisTarget: { url: redisUrl, clusterNodes },
    redisEnv: { REDIS_URL: redisUrl, ...(redisClusterNodes ? { REDIS_CLUSTER_NODES: redisClusterNodes } : {}) },
    mongoUrl,
    mongoDbUrl: u.toString(),
  };
}
