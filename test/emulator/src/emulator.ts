import { Clock } from './clock';
import type { EmulatorContext, EmulatorSettings } from './context';
import { createControl } from './control/control';
import type { EmulatorControl } from './control/types';
import { signingKey } from './crypto/jwt';
import { Faults } from './faults/faults';
import { DEFAULT_LIMITS, Limiter } from './graph/limits';
import { Counters } from './observe/counters';
import { RequestLog } from './observe/request-log';
import { DAY_SEC, defaultCaDir, type StartOptions } from './options';
import { buildServer } from './server';
import { Directory } from './state/directory';
import { Grants } from './state/grants';
import { ensureDevCa } from './tls/dev-ca';
import { serverCertFor } from './tls/server-cert';

export interface Emulator {
  url: string;
  loginUrl: string;
  graphUrl: string;
  knownAuthority: string;
  caPath: string;
  control: EmulatorControl;
  close(): Promise<void>;
}

export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  const ca = ensureDevCa(opts.caDir ?? defaultCaDir());
  const tls = serverCertFor(ca);
  const clock = new Clock(opts.now);
  const settings: EmulatorSettings = {
    interactive: opts.interactive ?? false,
    accessTokenSec: opts.accessTokenLifetimeSec ?? 3600,
    refreshTokenInactivitySec: opts.refreshTokenInactivitySec ?? 90 * DAY_SEC,
    codeLifetimeSec: opts.codeLifetimeSec ?? 600,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
  };
  const initial: EmulatorSettings = { ...settings, limits: { ...settings.limits } };
  const ctx: EmulatorContext = {
    urls: { url: '', graphUrl: '', knownAuthority: '' },
    clock,
    key: signingKey(),
    settings,
    directory: new Directory(() => clock.now()),
    grants: new Grants(),
    mailboxes: new Map(),
    counters: new Counters(),
    requestLog: new RequestLog(),
    faults: new Faults(),
    limiter: new Limiter(settings.limits),
    pending: new Map(),
    log: opts.logger ?? (() => undefined),
  };
  const control = createControl(ctx, initial);
  const app = buildServer(ctx, control, { key: tls.keyPem, cert: tls.certPem });
  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `https://localhost:${port}`;
  ctx.urls.url = url;
  ctx.urls.graphUrl = `${url}/v1.0`;
  ctx.urls.knownAuthority = `localhost:${port}`;
  return {
    url,
    loginUrl: url,
    graphUrl: ctx.urls.graphUrl,
    knownAuthority: ctx.urls.knownAuthority,
    caPath: ca.caPath,
    control,
    close: async () => {
      await app.close();
    },
  };
}
