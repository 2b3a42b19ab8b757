import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ensureDevCa, serverCertFor } from '@outlook-connect/ms-emulator';
import { devCaDir } from './paths';

// An HTTPS listener in front of the gateway's HTTP port, with a certificate from the stack's dev CA: what the
// emulator (like Graph) requires of a notification URL. Forwards every request as it is.

export interface HttpsFront {
  /** https://localhost:<port> */
  url: string;
  close(): Promise<void>;
}

export async function startHttpsFront(target: string): Promise<HttpsFront> {
  const to = new URL(target);
  const tls = serverCertFor(ensureDevCa(devCaDir));
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const upstream = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
