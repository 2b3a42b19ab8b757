import http from 'node:http';
import https from 'node:https';

/** What a notification endpoint did with one POST. */
export type PostOutcome =
  | { kind: 'answered'; status: number; contentType: string; body: string; durationMs: number }
  | { kind: 'timeout'; durationMs: number }
  | { kind: 'network'; message: string; durationMs: number };

const MAX_BODY = 64 * 1024;

/**
 * One POST to a subscriber's endpoint, like Graph's publisher: no connection reuse, a hard timeout covering the
 * whole exchange. TLS trust is Node's (system roots + NODE_EXTRA_CA_CERTS, which `stack run` sets to the dev CA).
 */
export function postToEndpoint(
  url: string,
  body: string,
  contentType: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const target = new URL(url);
    const client = target.protocol === 'http:' ? http : https;
    const request = client.request(
      target,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY) chunks.push(chunk);
        });
        response.on('end', () =>
          done({
            kind: 'answered',
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
            durationMs: elapsed(),
          }),
        );
        response.on('error', (err) => done({ kind: 'network', message: err.message, durationMs: elapsed() }));
      },
    );
    const timer = setTimeout(() => {
      done({ kind: 'timeout', durationMs: elapsed() });
      request.destroy();
    }, timeoutMs);
    request.on('error', (err) => done({ kind: 'network', message: err.message, durationMs: elapsed() }));
    request.end(body);
  });
}
