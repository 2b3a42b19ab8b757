import { MongoNetworkError } from 'mongodb';
import { persist } from './persist';

describe('persist', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms), waited: () => t };
  };

  it("waits out a store outage with backoff and returns the write's result", async () => {
    const c = clock();
    let calls = 0;
    const write = async () => {
      calls += 1;
      if (calls < 4) throw new MongoNetworkError('closed');
      return 'stored';
    };
    await expect(persist(write, c)).resolves.toBe('stored');
    expect(calls).toBe(4);
    expect(c.waited()).toBe(100 + 200 + 400);
  });

  it('gives up after maxMs with the last error', async () => {
    const c = clock();
    const down = new MongoNetworkError('closed');
    await expect(persist(() => Promise.reject(down), { ...c, maxMs: 5_000 })).rejects.toBe(down);
    expect(c.waited()).toBeLessThanOrEqual(5_000);
    expect(c.waited()).toBeGreaterThan(3_000);
  });

  it('does not retry an error that is not an outage', async () => {
    const c = clock();
    let calls = 0;
    const bug = new TypeError('x is undefined');
    await expect(persist(() => ((calls += 1), Promise.reject(bug)), c)).rejects.toBe(bug);
    expect(calls).toBe(1);
  });
});
