import IORedis, { Cluster, type ClusterNode, type Redis, type RedisOptions } from 'ioredis';

/** A single Redis or a Redis Cluster: every command the product sends works on both (keys share hash tags). */
export type RedisConnection = Redis | Cluster;

/** Where Redis is: REDIS_URL, and on a Redis Cluster its seed nodes (REDIS_CLUSTER_NODES). */
export interface RedisTarget {
  url: string;
  clusterNodes?: Array<{ host: string; port: number }>;
}

/** The user, password and TLS of REDIS_URL, which every node of a cluster shares. */
function credentialsOf(url: string): RedisOptions {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** A connection for BullMQ. Workers need maxRetriesPerRequest null (blocking commands); producers fail fast. */
export function createRedis(
  target: string | RedisTarget,
  role: 'worker' | 'producer',
  extra: RedisOptions = {},
): RedisConnection {
  const { url, clusterNodes } = typeof target === 'string' ? { url: target, clusterNodes: undefined } : target;
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
    ...extra,
  };
  if (!clusterNodes?.length) return new IORedis(url, options);
  const seed = new URL(url);
  const nodes: ClusterNode[] = [{ host: seed.hostname, port: Number(seed.port || 6379) }, ...clusterNodes];
  const { enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  return new Cluster(nodes, {
    // A node's own connection queues while it connects (ioredis sets that); failing fast is the cluster's own option.
    redisOptions: { ...nodeOptions, ...credentialsOf(url) },
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableReadyCheck: true,
    lazyConnect: lazyConnect ?? false,
    maxRedirections: 16,
  });
}

/** The nodes that hold keys: each master of a cluster, or the one server. SCAN and KEYS are per node. */
export function keyNodes(redis: RedisConnection): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Every key matching a glob pattern on one node (SCAN: never blocks the node the way KEYS does). */
async function scanNode(node: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Every key matching a glob pattern, on every node. */
export async function scanKeys(redis: RedisConnection, pattern: string): Promise<string[]> {
  return (await Promise.all(keyNodes(redis).map((node) => scanNode(node, pattern)))).flat();
}

/** Deletes every key matching the patterns (a test's or a bench's prefix) on every node; returns how many. */
export async function deleteKeysMatching(redis: RedisConnection, ...patterns: string[]): Promise<number> {
  let deleted = 0;
  for (const node of keyNodes(redis)) {
    for (const pattern of patterns) {
      const keys = await scanNode(node, pattern);
      // Sent to the node that holds them: a cluster's pipeline only takes keys of one slot.
      for (let i = 0; i < keys.length; i += 500) {
        const p = node.pipeline();
        for (const k of keys.slice(i, i + 500)) p.unlink(k);
        await p.exec();
      }
      deleted += keys.length;
    }
  }
  return deleted;
}
