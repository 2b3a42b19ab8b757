import { redisKeys } from './redis-keys';

// Redis Cluster: a multi-key script's keys must hash to one slot, which the first {tag} of each key decides.
const tagOf = (key: string) => /\{([^{}]+)\}/.exec(key)?.[1];

describe('redisKeys', () => {
  it("puts a mailbox's one gate key under its own hash tag, from the raw or the tagged prefix", () => {
    const raw = redisKeys.mailbox('oc', 'conn_1');
    expect(raw.gate).toBe('oc:mailbox:{conn_1}:gate');
    expect(redisKeys.mailbox('{oc}', 'conn_1').gate).toBe(raw.gate);
    expect(tagOf(raw.gate)).toBe('conn_1');
    expect(tagOf(redisKeys.mailbox('oc', 'conn_2').gate)).not.toBe(tagOf(raw.gate));
  });

  it("puts a connection's locks under its tag and an endpoint's two keys under the endpoint's", () => {
    expect(redisKeys.refreshLock('oc', 'conn_1')).toBe('oc:lock:token-refresh:{conn_1}');
    expect(redisKeys.syncLock('{oc}', 'conn_1')).toBe('oc:lock:inbox-sync:{conn_1}');
    const endpoint = redisKeys.webhookEndpoint('{oc}', 'whe_1');
    expect([tagOf(endpoint.slots), tagOf(endpoint.pausedUntil)]).toEqual(['whe_1', 'whe_1']);
  });

  it("keeps the prefix's own keys under the queue prefix's tag, with BullMQ's", () => {
    expect(tagOf(redisKeys.webhookMetrics('{oc}'))).toBe('oc');
  });

  it('matches every key of a prefix, and none of a longer prefix', () => {
    const patterns = redisKeys.keyPatterns('{t-a}');
    expect(patterns).toEqual(['{t-a}:*', 't-a:*']);
    const glob = (p: string) => new RegExp(`^${p.replace(/[{}]/g, (c) => `\\${c}`).replace('*', '.*')}$`);
    const matches = (key: string) => patterns.some((p) => glob(p).test(key));
    for (const key of [redisKeys.mailbox('t-a', 'conn_1').gate, redisKeys.refreshLock('t-a', 'c'), '{t-a}:send:wait'])
      expect(matches(key)).toBe(true);
    expect(matches(redisKeys.mailbox('t-ab', 'conn_1').gate)).toBe(false);
    expect(matches('{t-ab}:send:wait')).toBe(false);
  });
});
