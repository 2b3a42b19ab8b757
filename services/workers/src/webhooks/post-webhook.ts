import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { checkedLookup, refusedAddress, type PrivateHostAllowList } from '@outlook-connect/shared';
import type { AttemptResult } from './attempt-outcome';
import { retryAfterMs } from './retry-schedule';

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Bytes of the response body read at most; the rest is not read (the connection is dropped). */
  maxResponseBytes: number;
  allow: PrivateHostAllowList;
  now: () => number;
}

export interface PostResult {
  result: AttemptResult;
  durationMs: number;
  responseBody: string | null;
}

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * One POST of a webhook. node:http never follows redirects; the host is resolved by checkedLookup, which refuses
 * private addresses, so the socket connects to the checked address (an IP literal is checked here: lookup is skipped).
 */
export function postWebhook(opts: PostOptions): Promise<PostResult> {
  const started = opts.now();
  const url = new URL(opts.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const done = (result: AttemptResult, responseBody: string | null = null): PostResult => ({
    result,
    durationMs: opts.now() - started,
    responseBody,
  });
  if (isIP(host)) {
    const why = refusedAddress(host, opts.allow);
    if (why) return Promise.resolve(done({ kind: 'refused', error: why }));
  }
  const secure = url.protocol === 'https:';
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = (secure ? https : http).request(url, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      lookup: checkedLookup(opts.allow) as never,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'outlook-connect-webhooks/1',
        'content-length': Buffer.byteLength(opts.body),
        ...opts.headers,
      },
    });
    const timer = setTimeout(() => {
      finish(done({ kind: 'timeout', error: `no answer within ${opts.timeoutMs} ms` }));
      req.destroy();
    }, opts.timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const complete = () => {
        const statusCode = res.statusCode ?? 0;
        const header = res.headers['retry-after'];
        const body = Buffer.concat(chunks).subarray(0, opts.maxResponseBytes).toString('utf8');
        finish(
          done(
            {
              kind: 'response',
              statusCode,
              retryAfterMs: retryAfterMs(Array.isArray(header) ? header[0] : header, opts.now()),
            },
            body,
          ),
        );
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= opts.maxResponseBytes) {
          complete();
          res.destroy();
        }
      });
      res.on('end', complete);
      res.on('error', complete);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'WebhookAddressRefusedError') finish(done({ kind: 'refused', error: err.message }));
      else finish(done({ kind: 'network', error: err.code ? `${err.code}: ${err.message}` : err.message }));
    });
    req.end(opts.body);
  });
}
