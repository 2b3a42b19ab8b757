import { Socket } from 'node:net';
import { ensureRedis, ensureStore } from './services';
import { pingMongo, pingRedis } from './probe';

/** CONFIG GET over a raw socket: the stack package needs no Redis client. */
function configGet(url: string, key: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buf = '';
    socket.once('error', reject);
    socket.connect(Number(u.port), u.hostname, () => socket.write(`CONFIG GET ${key}\r\n`));
    socket.on('data', (d) => {
      buf += String(d);
      const lines = buf.split('\r\n');
      if (lines.length >= 5) {
        socket.destroy();
        resolve(lines[4]!);
      }
    });
  });
}

// The stack's fallbacks: a REDIS_URL / MONGO_URL that does not answer is replaced by a server the stack starts itself.

describe('local stack fallbacks', () => {
  it('starts its own redis-server (AOF, noeviction) when REDIS_URL points at a dead port', async () => {
    const redis = await ensureRedis('redis://127.0.0.1:1');
    try {
      expect(redis.source).toBe('redis-server');
      expect(redis.url).not.toBe('redis://127.0.0.1:1');
      expect(await pingRedis(redis.url)).toBe(true);
      expect(await configGet(redis.url, 'appendonly')).toBe('yes');
      expect(await configGet(redis.url, 'maxmemory-policy')).toBe('noeviction');
    } finally {
      await redis.started?.stop();
    }
    expect(await pingRedis(redis.url)).toBe(false);
  });

  it('uses REDIS_URL as given when it answers', async () => {
    const given = process.env.REDIS_URL!;
    const redis = await ensureRedis(given);
    expect(redis).toMatchObject({ url: given, source: 'REDIS_URL' });
    expect(redis.started).toBeUndefined();
  });

  it('starts a MongoDB-compatible store (mongod, else the FerretDB helper) when MONGO_URL does not answer', async () => {
    const store = await ensureStore('mongodb://127.0.0.1:1');
    try {
      expect(['mongod', 'ferretdb']).toContain(store.source);
      expect(await pingMongo(store.url)).toBe(true);
    } finally {
      await store.started?.stop();
    }
    expect(await pingMongo(store.url, 300)).toBe(false);
  });
});
