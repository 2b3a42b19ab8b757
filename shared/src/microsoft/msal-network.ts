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
 * How long a discovery answer (the tenant's openid-configuration, instance discovery) is reused: MSAL's own authority
 * metadata cache keeps one for 24 hours (msal-common `AUTHORITY_METADATA_REFRESH_TIME_SECONDS`). We build a fresh MSAL
 * app per grant (no token stays in memory), so MSAL's cache dies with it and every refresh would fetch the document
 * again: one more request to Microsoft per refresh. This keeps it for the process instead.
 */
export const DISCOVERY_TTL_MS = 24 * 3600 * 1000;
const DISCOVERY_KEPT = 1_000;

/** Each caller gets its own copy: MSAL may keep or change what it is handed. */
const copyOf = <T>(res: NetworkResponse<T>): NetworkResponse<T> => ({
  status: res.status,
  headers: { ...res.headers },
  body: structuredClone(res.body),
});

/** The GETs MSAL makes to discover an authority; their answers depend only on the URL. */
export const isDiscoveryUrl = (url: string): boolean => {
  const path = url.split('?')[0] ?? '';
  return path.endsWith('/.well-known/openid-configuration') || path.endsWith('/discovery/instance');
};

/**
 * Reuses successful discovery answers (200 only: a tenant not found, a 5xx or a throttle is asked again next time),
 * one request at a time per URL; token requests (POST) always go out.
 */
export function withDiscoveryCache(
  inner: INetworkModule,
  now: () => number = Date.now,
  ttlMs: number = DISCOVERY_TTL_MS,
): INetworkModule {
  const kept = new Map<string, { at: number; answer: Promise<NetworkResponse<unknown>> }>();
  return {
    sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number) {
      if (!isDiscoveryUrl(url)) return inner.sendGetRequestAsync<T>(url, options, timeout);
      const hit = kept.get(url);
      if (hit && now() - hit.at < ttlMs) return hit.answer.then(copyOf) as Promise<NetworkResponse<T>>;
      const answer = inner.sendGetRequestAsync<T>(url, options, timeout);
      kept.delete(url);
      kept.set(url, { at: now(), answer });
      if (kept.size > DISCOVERY_KEPT) kept.delete(kept.keys().next().value!);
      const forget = () => {
        if (kept.get(url)?.answer === answer) kept.delete(url);
      };
      answer.then((res) => res.status !== 200 && forget(), forget);
      return answer.then(copyOf);
    },
    sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions) {
      return inner.sendPostRequestAsync<T>(url, options);
    },
  };
}

/** The process's network module for MSAL: fetch, with discovery answers reused. */
export const defaultNetworkModule: INetworkModule = withDiscoveryCache(fetchNetworkModule);

/**
 * Wraps MSAL's network module to keep the Retry-After of the last failed answer: MSAL's ServerError carries the
 * status but drops the headers, and a 429/503 from the token endpoint is only actionable with its Retry-After.
 */
export class RetryAfterRecorder implements INetworkModule {
  lastRetryAfter: string | undefined;
  lastStatus: number | undefined;

  constructor(private readonly inner: INetworkModule = defaultNetworkModule) {}

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
