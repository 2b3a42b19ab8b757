// A subscriber's HTTPS endpoint for the change-notification tests: answers validation and records notifications.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { defaultCaDir } from '../options';
import { ensureDevCa } from '../tls/dev-ca';
import { serverCertFor } from '../tls/server-cert';

export type ValidationMode = 'echo' | 'wrong-echo' | 'json' | 'status-202' | 'silent';

export interface ReceivedPost {
  path: string;
  body: { value: Array<Record<string, unknown>> };
  at: number;
}

export interface Receiver {
  /** https://localhost:<port><path> (http://127.0.0.1:<port><path> for a plain-HTTP receiver) */
  url(path?: string): string;
  validations: Array<{ path: string; token: string; contentType: string }>;
  posts: ReceivedPost[];
  /** Every notification item received on `path` (all paths when absent), in arrival order. */
  items(path?: string): Array<Record<string, unknown>>;
  /** How validation requests are answered (per path prefix, else the default). */
  validation: { mode: ValidationMode; byPath: Record<string, ValidationMode> };
  /** Status for notification POSTs (default 202) and a delay before answering (per path, else `delayMs`). */
  answer: { status: number; delayMs: number; delayMsByPath: Record<string, number> };
  close(): Promise<void>;
}

/** `plainHttp`: for the sandbox-only http loopback option; every other test uses the HTTPS receiver. */
export async function startReceiver(opts: { plainHttp?: boolean } = {}): Promise<Receiver> {
  const tls = opts.plainHttp ? undefined : serverCertFor(ensureDevCa(defaultCaDir()));
  const receiver: Omit<Receiver, 'url' | 'close'> = {
    validations: [],
    posts: [],
    items: (path) => receiver.posts.filter((p) => !path || p.path === path).flatMap((p) => p.body.value),
    validation: { mode: 'echo', byPath: {} },
    answer: { status: 202, delayMs: 0, delayMsByPath: {} },
  };
  const pending = new Set<NodeJS.Timeout>();
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        receiver.validations.push({ path: url.pathname, token, contentType: String(req.headers['content-type']) });
        const mode = receiver.validation.byPath[url.pathname] ?? receiver.validation.mode;
        if (mode === 'silent') return; // never answers: the emulator's timeout decides
        if (mode === 'json')
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(token));
        if (mode === 'status-202') return void res.writeHead(202, { 'content-type': 'text/plain' }).end(token);
        const body = mode === 'wrong-echo' ? encodeURIComponent(token) : token;
        return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      receiver.posts.push({ path: url.pathname, body: JSON.parse(text || '{"value":[]}'), at: Date.now() });
      const { status } = receiver.answer;
      const delayMs = receiver.answer.delayMsByPath[url.pathname] ?? receiver.answer.delayMs;
      const timer = setTimeout(() => {
        pending.delete(timer);
        res.writeHead(status).end();
      }, delayMs);
      pending.add(timer);
    });
  };
  const server = tls ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...receiver,
    url: (path = '/notifications') => (tls ? `https://localhost:${port}${path}` : `http://127.0.0.1:${port}${path}`),
    close: async () => {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } as Receiver;
}

/** Polls `check` until it returns something truthy (generous timeout; never a fixed sleep). */
export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
