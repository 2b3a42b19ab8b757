import type { GatewayHarness } from './harness';

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** One HTTP request to the listening gateway (no redirects followed). */
export async function call<T = Record<string, unknown>>(
  h: Pick<GatewayHarness, 'baseUrl'>,
  method: string,
  url: string,
  opts: { body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<HttpAnswer<T>> {
  const hasBody = opts.body !== undefined || opts.rawBody !== undefined;
  const res = await fetch(`${h.baseUrl}${url}`, {
    method,
    redirect: 'manual',
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) },
    ...(hasBody ? { body: opts.rawBody ?? JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML pages and redirects
  }
  return { status: res.status, body: body as T, text, headers: res.headers };
}
