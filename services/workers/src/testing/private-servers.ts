import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRedis, ensureStore, type Endpoint } from '@outlook-connect/stack';

// A redis-server and a store (FerretDB, or mongod when installed) of one test's own, so it can stop, restart and
// flush them without touching the servers other tests share. Restarted on the same port with the same data.

export interface PrivateServers {
  redisUrl: string;
  mongoUrl: string;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  stopStore(): Promise<void>;
  startStore(): Promise<void>;
  close(): Promise<void>;
}

const portOf = (url: string) => Number(new URL(url).port);

export async function startPrivateServers(label: string): Promise<PrivateServers> {
  const dataDir = mkdtempSync(join(tmpdir(), `oc-${label}-`));
  let redis: Endpoint | null = await ensureRedis(undefined, { dataDir });
  let store: Endpoint | null = await ensureStore(undefined, { dataDir });
  const redisUrl = redis.url;
  const mongoUrl = store.url;
  return {
    redisUrl,
    mongoUrl,
    async stopRedis() {
      await redis?.started?.stop();
      redis = null;
    },
    async startRedis() {
      redis ??= await ensureRedis(undefined, { dataDir, port: portOf(redisUrl) });
    },
    async stopStore() {
      await store?.started?.stop();
      store = null;
    },
    async startStore() {
      store ??= await ensureStore(undefined, { dataDir, port: portOf(mongoUrl) });
    },
    async close() {
      await redis?.started?.stop();
      await store?.started?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
