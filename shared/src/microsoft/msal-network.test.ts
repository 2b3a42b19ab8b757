import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import {
  DISCOVERY_TTL_MS,
  isDiscoveryUrl,
  RetryAfterRecorder,
  withDiscoveryCache,
  withRetryAfter,
} from './msal-network';

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

describe('withDiscoveryCache', () => {
  const discovery = 'https://login.test/contoso/v2.0/.well-known/openid-configuration';
  const counting = (status: number) => {
    const calls: string[] = [];
    const inner: INetworkModule = {
      sendGetRequestAsync: async <T>(url: string) => {
        calls.push(`GET ${url}`);
        return { status, headers: {}, body: { issuer: 'https://login.test/contoso/v2.0' } } as NetworkResponse<T>;
      },
      sendPostRequestAsync: async <T>(url: string) => {
        calls.push(`POST ${url}`);
        return { status: 200, headers: {}, body: {} } as NetworkResponse<T>;
      },
    };
    return { calls, inner };
  };

  it('asks once per URL for a day, one request for callers at the same time, each with its own copy', async () => {
    let t = 0;
    const { calls, inner } = counting(200);
    const net = withDiscoveryCache(inner, () => t);
    const [a, b] = await Promise.all([net.sendGetRequestAsync(discovery), net.sendGetRequestAsync(discovery)]);
    (a.body as { issuer: string }).issuer = 'changed';
    expect((b.body as { issuer: string }).issuer).toBe('https://login.test/contoso/v2.0');
    t = DISCOVERY_TTL_MS - 1;
    await net.sendGetRequestAsync(discovery);
    expect(calls).toEqual([`GET ${discovery}`]);
    t = DISCOVERY_TTL_MS;
    await net.sendGetRequestAsync(discovery);
    expect(calls).toHaveLength(2);
  });

  it('asks again after an answer other than 200, and never keeps token requests or other GETs', async () => {
    const { calls, inner } = counting(400);
    const net = withDiscoveryCache(inner, () => 0);
    await net.sendGetRequestAsync(discovery);
    await net.sendGetRequestAsync(discovery);
    const other = counting(200);
    const plain = withDiscoveryCache(other.inner, () => 0);
    await plain.sendPostRequestAsync('https://login.test/contoso/oauth2/v2.0/token');
    await plain.sendPostRequestAsync('https://login.test/contoso/oauth2/v2.0/token');
    await plain.sendGetRequestAsync('https://login.test/contoso/v2.0/other');
    await plain.sendGetRequestAsync('https://login.test/contoso/v2.0/other');
    expect(calls).toHaveLength(2);
    expect(other.calls).toHaveLength(4);
  });

  it('knows the discovery URLs', () => {
    expect(isDiscoveryUrl(discovery)).toBe(true);
    expect(
      isDiscoveryUrl(
        'https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=x',
      ),
    ).toBe(true);
    expect(isDiscoveryUrl('https://login.test/contoso/oauth2/v2.0/token')).toBe(false);
  });
});
