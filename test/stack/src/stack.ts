import { ensureDevCa } from '@outlook-connect/ms-emulator';
import { devCaDir } from './paths';
import { ensureRedis, ensureStore, type Endpoint, type ServiceOptions } from './services';

export interface Stack {
  redis: Endpoint;
  store: Endpoint;
  caPath: string;
  /** The variables a child process needs to use this stack and trust the Microsoft emulator. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Makes Redis, a MongoDB-compatible store and the emulator's dev CA available; reuses what already answers. */
export async function ensureStack(opts: ServiceOptions & { env?: NodeJS.ProcessEnv } = {}): Promise<Stack> {
  const env = opts.env ?? process.env;
  // Both at once, but a failure of one stops the other: a failed start leaves nothing running.
  const [r, s] = await Promise.allSettled([ensureRedis(env.REDIS_URL, opts), ensureStore(env.MONGO_URL, opts)]);
  if (r.status === 'rejected' || s.status === 'rejected') {
    await Promise.all([
      r.status === 'fulfilled' ? r.value.started?.stop() : undefined,
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
      MONGO_URL: store.url,
      NODE_EXTRA_CA_CERTS: caPath,
      OC_EMULATOR_CA_DIR: devCaDir,
      // Who provides them (a server the stack started, or the given URL): the benchmarks say whether Redis is theirs alone.
      OC_STACK_REDIS_SOURCE: redis.source,
      OC_STACK_STORE_SOURCE: store.source,
    },
    async stop() {
      await Promise.all([redis.started?.stop(), store.started?.stop()]);
    },
  };
}
