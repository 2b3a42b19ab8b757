import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoNotConnectedError } from 'mongodb';
import { dependencyFailureOf } from './dependency-errors';

describe('dependencyFailureOf', () => {
  it('recognises ioredis giving up on a command while disconnected', () => {
    expect(dependencyFailureOf(new MaxRetriesPerRequestError(3))).toEqual({
      dependency: 'redis',
      name: 'MaxRetriesPerRequestError',
    });
  });

  it('recognises the store unreachable or its connection broken, by class', () => {
    expect(dependencyFailureOf(new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'))).toMatchObject({
      dependency: 'store',
      name: 'MongoNetworkError',
    });
    expect(dependencyFailureOf(new MongoNetworkTimeoutError('connection timed out'))).toMatchObject({
      dependency: 'store',
    });
    expect(dependencyFailureOf(new MongoNotConnectedError('not connected'))).toMatchObject({ dependency: 'store' });
  });

  it('recognises a server error the driver labels retryable, not other server errors', () => {
    const retryable = new MongoServerError({ message: 'not primary', code: 10107 });
    retryable.addErrorLabel('RetryableWriteError');
    expect(dependencyFailureOf(retryable)).toEqual({ dependency: 'store', name: 'RetryableWriteError' });
    expect(dependencyFailureOf(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toBeUndefined();
  });

  it('recognises network errors by errno code, also as the cause of a wrapper', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(dependencyFailureOf(reset)).toEqual({ dependency: 'network', name: 'ECONNRESET' });
    expect(dependencyFailureOf(new Error('could not load', { cause: new MongoNetworkError('closed') }))).toMatchObject({
      dependency: 'store',
    });
  });

  it('never decides on message text: a plain error saying the same is not a dependency failure', () => {
    expect(dependencyFailureOf(new Error('Reached the max retries per request limit (which is 3).'))).toBeUndefined();
    expect(dependencyFailureOf(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
    expect(dependencyFailureOf(null)).toBeUndefined();
    expect(dependencyFailureOf('MongoNetworkError')).toBeUndefined();
  });
});
