import { ensureDevCa } from '@outlook-connect/ms-emulator';
import { devCaDir } from './paths';
import { ensureRedisCluster } from './redis-cluster';
import { ensureRedis, ensureStore, type Endpoint, type ServiceOptions } from './services';

export interface Stack {
  /** On a Redis Cluster: `url` is one node and `clusterNodes` lists them all (REDIS_CLUSTER_NODES). */
  redis: Endpoint & { clusterNodes?: string };
  store: Endpoint;
  caPath: string;
  /** The variables a child process needs to use this stack and trust the Microsoft emulator. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A single Redis (the default), or a Redis Cluster: REDIS_CLUSTER_NODES names one, REDIS_CLUSTER=1 starts one. */
async function ensureAnyRedis(
  env: NodeJS.ProcessEnv,
  opts: ServiceOptions,
): Promise<Stack['redis'] & { stop(): Promise<void> }> {
  if (env.REDIS_CLUSTER_NODES || env.REDIS_CLUSTER === '1') {
    const c = await ensureRedisCluster(env.REDIS_CLUSTER_NODES || undefined, opts);
    return { url: c.url, source: c.source, clusterNodes: c.nodes, stop: c.stop };
  }
  const r = await ensureRedis(env.REDIS_URL, opts);
  return { ...r, stop: async () => r.started?.stop() };
}

/** Makes Redis, a MongoDB-compatible store and the emulator's dev CA available; reuses what already answers. */
export async function ensureStack(opts: ServiceOptions & { env?: NodeJS.ProcessEnv } = {}): Promise<Stack> {
  const env = opts.env ?? process.env;
  // Both at once, but a failure of one stops the other: a failed start leaves nothing running.
  const [r, s] = await Promise.allSettled([ensureAnyRedis(env, opts), ensureStore(env.MONGO_URL, opts)]);
  if (r.status === 'rejected' || s.status === 'rejected') {
    await Promise.all([
      r.status === 'fulfilled' ? r.value.stop() : undefined,
      s.status === 'fulfilled' ? s.value.started?.stop() : undefined,
    ]);
    const reasons = [r, s].flatMap((x) =>
      x.status === 'rejected' ? [x.reason instanceof Error ? x.reason.message : String(x.reason)] : [],
    );
    throw new Error(reasons.join('\n'));
  }
  const redis = r.value;
  const store = s.value;
  const { caPath } = ensureDevCa(devCaDir);
  return {
    redis,
    store,
    caPath,
    env: {
      REDIS_URL: redis.url,
      ...(redis.clusterNodes ? { REDIS_CLUSTER_NODES: redis.clusterNodes } : {}),
      MONGO_URL: store.url,
      NODE_EXTRA_CA_CERTS: caPath,
      OC_EMULATOR_CA_DIR: devCaDir,
      // Who provides them (a server the stack started, or the given URL): the benchmarks say whether Redis is theirs alone.
      OC_STACK_REDIS_SOURCE: redis.source,
      OC_STACK_STORE_SOURCE: store.source,
    },
    async stop() {
      await Promise.all([redis.stop(), store.started?.stop()]);
    },
  };
}
