import { z } from 'zod';
import { ConfigError, parseEnv } from './parse-env';
import { redisEnv, secretsEnv } from './env-fragments';

const httpEnv = {
  HOST: z.string().default('0.0.0.0').describe('the address to listen on'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('a TCP port 0-65535'),
};

describe('parseEnv', () => {
  it('parses and applies defaults', () => {
    const cfg = parseEnv('svc', { ...redisEnv, ...httpEnv }, { REDIS_URL: 'redis://127.0.0.1:6379', PORT: '8080' });
    expect(cfg).toEqual({ REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: 'oc', HOST: '0.0.0.0', PORT: 8080 });
  });

  it('names every missing or invalid variable and what it expects', () => {
    let error: unknown;
    try {
      parseEnv('auth-gateway', { ...redisEnv, ...secretsEnv, ...httpEnv }, { PORT: '99999', SECRETS_KEYS: 'nope' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.problems.map((p) => p.variable).sort()).toEqual(['PORT', 'REDIS_URL', 'SECRETS_KEYS']);
    expect(e.message).toContain('auth-gateway: invalid configuration');
    expect(e.message).toMatch(/REDIS_URL: is required \(a redis:\/\/ or rediss:\/\/ URL\)/);
    expect(e.message).toMatch(/SECRETS_KEYS: .*keyId:base64/);
    expect(e.message).toMatch(/PORT: .*TCP port/);
  });

  it('reads the seed nodes of a Redis Cluster, naming REDIS_CLUSTER_NODES when one is not host:port', () => {
    const base = { REDIS_URL: 'redis://127.0.0.1:7000' };
    expect(
      parseEnv('svc', redisEnv, { ...base, REDIS_CLUSTER_NODES: '127.0.0.1:7000, redis-2.internal:7001' })
        .REDIS_CLUSTER_NODES,
    ).toEqual([
      { host: '127.0.0.1', port: 7000 },
      { host: 'redis-2.internal', port: 7001 },
    ]);
    expect(parseEnv('svc', redisEnv, base).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(() => parseEnv('svc', redisEnv, { ...base, REDIS_CLUSTER_NODES: '127.0.0.1:7000,nope' })).toThrow(
      /REDIS_CLUSTER_NODES: not host:port: nope/,
    );
    expect(() => parseEnv('svc', redisEnv, { ...base, REDIS_CLUSTER_NODES: 'a:70000' })).toThrow(/REDIS_CLUSTER_NODES/);
  });

  it('treats empty strings as unset', () => {
    expect(() => parseEnv('svc', { A: z.string() }, { A: '' })).toThrow(/A: is required/);
  });
});
