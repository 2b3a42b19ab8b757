import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import { RetryAfterRecorder, withRetryAfter } from './msal-network';

const answering = (res: NetworkResponse<unknown>): INetworkModule => ({
  sendGetRequestAsync: async <T>() => res as NetworkResponse<T>,
  sendPostRequestAsync: async <T>() => res as NetworkResponse<T>,
});

describe('RetryAfterRecorder', () => {
  it('keeps the Retry-After and status of a failed answer, and forgets them on success', async () => {
    const throttled = new RetryAfterRecorder(answering({ status: 429, headers: { 'Retry-After': '7' }, body: {} }));
    await throttled.sendPostRequestAsync('https://login.test/t/oauth2/v2.0/token');
    expect(throttled).toMatchObject({ lastRetryAfter: '7', lastStatus: 429 });
    const ok = new RetryAfterRecorder(answering({ status: 200, headers: { 'retry-after': '7' }, body: {} }));
    await ok.sendGetRequestAsync('https://login.test/t/v2.0/.well-known/openid-configuration');
    expect(ok.lastRetryAfter).toBeUndefined();
  });

  it('puts them on the thrown error without overwriting a status MSAL set', () => {
    expect(withRetryAfter({ name: 'ServerError' }, { lastRetryAfter: '3', lastStatus: 429 })).toEqual({
      name: 'ServerError',
      retryAfter: '3',
      status: 429,
    });
    expect(withRetryAfter({ status: 503 }, { lastRetryAfter: undefined, lastStatus: 429 })).toEqual({ status: 503 });
    expect(withRetryAfter('text', { lastRetryAfter: '3', lastStatus: 429 })).toBe('text');
  });
});
