import { DependencyUnavailableError, unavailableDependency } from './dependency-errors';

const up = { store: true, redis: true };
const named = (name: string) => Object.assign(new Error('x'), { name });

describe('unavailableDependency', () => {
  it('names the store for the driver errors that mean no server answers', () => {
    for (const n of [
      'MongoServerSelectionError',
      'MongoNetworkError',
      'MongoNotConnectedError',
      'MongoPoolClearedError',
    ])
      expect(unavailableDependency(named(n), up)).toBe('store');
  });

  it('names the store for an error the driver labels retryable (a node restarting)', () => {
    const err = Object.assign(new Error('not primary'), {
      name: 'MongoServerError',
      hasErrorLabel: (l: string) => l === 'RetryableWriteError',
    });
    expect(unavailableDependency(err, up)).toBe('store');
    expect(
      unavailableDependency(
        Object.assign(new Error('dup'), { name: 'MongoServerError', hasErrorLabel: () => false }),
        up,
      ),
    ).toBeNull();
  });

  it('names Redis when ioredis gave up, or for any error while Redis is down', () => {
    expect(unavailableDependency(named('MaxRetriesPerRequestError'), up)).toBe('redis');
    expect(
      unavailableDependency(new Error("Stream isn't writeable and enableOfflineQueue options is false"), {
        store: true,
        redis: false,
      }),
    ).toBe('redis');
    expect(unavailableDependency(new Error('Command timed out'), { store: true, redis: false })).toBe('redis');
  });

  it('keeps its own dependency error, and calls everything else while both are up a fault of ours', () => {
    expect(unavailableDependency(new DependencyUnavailableError('store'), up)).toBe('store');
    expect(unavailableDependency(new TypeError('x is undefined'), up)).toBeNull();
    expect(unavailableDependency(null, up)).toBeNull();
    expect(unavailableDependency(new TypeError('x'), { store: false, redis: true })).toBe('store');
  });

  it('calls a broken socket to a dependency an outage, before the watch has noticed (EPIPE seen in a store restart)', () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(unavailableDependency(epipe, up)).toBe('store');
    expect(
      unavailableDependency(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), {
        store: true,
        redis: false,
      }),
    ).toBe('redis');
    expect(unavailableDependency(new Error('wrapped', { cause: epipe }), up)).toBe('store');
  });
});
