import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local receiver answering 204 at once, recording when each webhook-id (or x-seq of the baseline) first arrived. */
export async function startBenchReceiver(): Promise<{
  url: string;
  arrivals: Map<string, number>;
  close(): Promise<void>;
}> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = (req.headers['webhook-id'] ?? req.headers['x-seq']) as string | undefined;
      if (id && !arrivals.has(id)) arrivals.set(id, Date.now());
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    arrivals,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The baseline: a bare HTTP POST loop (keep-alive, `concurrency` at once) of bodies like ours, no queue, no store. */
export async function barePostLoop(url: string, count: number, concurrency: number, body: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (seq: number) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'x-seq': `b${seq}`,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await post(next++);
    }),
  );
  const elapsed = Date.now() - started;
  agent.destroy();
  return (count * 1000) / elapsed;
}
