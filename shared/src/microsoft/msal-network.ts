import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { headerValue } from './retry-after';

/** MSAL's HTTP contract on fetch: JSON body, lower-case header names, the status as it came. */
export const fetchNetworkModule: INetworkModule = {
  async sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return send<T>(url, 'GET', options, timeout);
  },
  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return send<T>(url, 'POST', options);
  },
};

async function send<T>(
  url: string,
  method: 'GET' | 'POST',
  options: NetworkRequestOptions | undefined,
  timeout?: number,
): Promise<NetworkResponse<T>> {
  const res = await fetch(url, {
    method,
    headers: options?.headers ?? {},
    ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
    ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return { headers, body: (await res.json()) as T, status: res.status };
}

/**
 * Wraps MSAL's network module to keep the Retry-After of the last failed answer: MSAL's ServerError carries the
 * status but drops the headers, and a 429/503 from the token endpoint is only actionable with its Retry-After.
 */
export class RetryAfterRecorder implements INetworkModule {
  lastRetryAfter: string | undefined;
  lastStatus: number | undefined;

  constructor(private readonly inner: INetworkModule = fetchNetworkModule) {}

  async sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.record(await this.inner.sendGetRequestAsync<T>(url, options, timeout));
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.record(await this.inner.sendPostRequestAsync<T>(url, options));
  }

  private record<T>(res: NetworkResponse<T>): NetworkResponse<T> {
    this.lastStatus = res.status;
    this.lastRetryAfter = res.status >= 400 ? headerValue(res.headers, 'retry-after') : undefined;
    return res;
  }
}

/**
 * The error MSAL threw, with the Retry-After Microsoft sent alongside (read by the classifier), and the HTTP status
 * where MSAL left it out (it does for a 429 from the token endpoint).
 */
export function withRetryAfter(
  err: unknown,
  network: Pick<RetryAfterRecorder, 'lastRetryAfter' | 'lastStatus'>,
): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const target = err as { retryAfter?: string; status?: unknown };
  if (network.lastRetryAfter !== undefined) target.retryAfter = network.lastRetryAfter;
  if (target.status === undefined && network.lastStatus !== undefined && network.lastStatus >= 400)
    target.status = network.lastStatus;
  return err;
}
