import { Clock } from './clock';
import type { EmulatorContext, EmulatorSettings } from './context';
import { createControl } from './control/control';
import type { EmulatorControl } from './control/types';
import { signingKey } from './crypto/jwt';
import { Faults } from './faults/faults';
import { DEFAULT_LIMITS, Limiter } from './graph/limits';
import { ChangeNotifications } from './notifications/change-notifications';
import { changeNotificationSettings } from './notifications/notification-settings';
import { Counters } from './observe/counters';
import { RequestLog } from './observe/request-log';
import { DAY_SEC, defaultCaDir, type StartOptions } from './options';
import type { FastifyInstance } from 'fastify';
import { buildInteractiveServer, buildServer } from './server';
import { restoreState, serializeState } from './state/emulator-state';
import { StateFile, stateLoadError } from './state/state-file';
import { Directory } from './state/directory';
import { Grants } from './state/grants';
import { ensureDevCa } from './tls/dev-ca';
import { serverCertFor } from './tls/server-cert';
import { parseSendDelay, Transport } from './transport/transport';

export interface Emulator {
  url: string;
  /** Base URL of the pages a browser visits: the plain-HTTP listener when `httpPort` was given, else `url`. */
  interactiveUrl: string;
  loginUrl: string;
  graphUrl: string;
  knownAuthority: string;
  caPath: string;
  control: EmulatorControl;
  /** The file the state persists to (when `stateDir` was given). */
  stateFile?: string;
  close(): Promise<void>;
}

/** The control API, saving the state (debounced) after every call that may have changed it. */
function savingAfterEachCall(control: EmulatorControl, changed: () => void): EmulatorControl {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(control) as Array<[string, (...args: unknown[]) => unknown]>) {
    wrapped[name] = (...args: unknown[]) => {
      try {
        return fn(...args);
      } finally {
        changed();
      }
    };
  }
  return wrapped as unknown as EmulatorControl;
}

const portOf = (app: FastifyInstance, fallback: number | undefined): number | undefined => {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : fallback;
};

/** One emulator's shared state and services, before any listener (tests of the state model build it alone). */
export function createContext(opts: StartOptions = {}): { ctx: EmulatorContext; initial: EmulatorSettings } {
  const clock = new Clock(opts.now);
  const settings: EmulatorSettings = {
    interactive: opts.interactive ?? false,
    accessTokenSec: opts.accessTokenLifetimeSec ?? 3600,
    accessTokenMaxSec: opts.accessTokenLifetimeSec ?? 5400,
    refreshTokenInactivitySec: opts.refreshTokenInactivitySec ?? 90 * DAY_SEC,
    codeLifetimeSec: opts.codeLifetimeSec ?? 600,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    sendDelay: parseSendDelay(opts.sendDelayMs),
  };
  const initial: EmulatorSettings = {
    ...settings,
    limits: { ...settings.limits },
    sendDelay: { ...settings.sendDelay },
  };
  const ctx: EmulatorContext = {
    urls: { url: '', interactiveUrl: '', graphUrl: '', knownAuthority: '' },
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
    changeNotifications: new ChangeNotifications(clock, changeNotificationSettings(opts.changeNotifications)),
    pending: new Map(),
    log: opts.logger ?? (() => undefined),
  } as Omit<EmulatorContext, 'transport'> as EmulatorContext;
  ctx.transport = new Transport(ctx);
  return { ctx, initial };
}

export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  const ca = ensureDevCa(opts.caDir ?? defaultCaDir());
  const tls = serverCertFor(ca);
  const { ctx, initial } = createContext(opts);
  const stateFile = opts.stateDir
    ? new StateFile(
        opts.stateDir,
        () => serializeState(ctx),
        (err) => ctx.log({ msg: 'emulator state not saved', error: String(err) }),
      )
    : undefined;
  if (stateFile) {
    const text = stateFile.read();
    if (text !== undefined) {
      try {
        restoreState(ctx, text);
      } catch (err) {
        throw stateLoadError(stateFile.file, err);
      }
    }
  }
  const changed = (): void => stateFile?.schedule();
  const control = stateFile ? savingAfterEachCall(createControl(ctx, initial), changed) : createControl(ctx, initial);
  const app = buildServer(ctx, control, { key: tls.keyPem, cert: tls.certPem }, { onAnswered: changed });
  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const url = `https://localhost:${portOf(app, opts.port)}`;
  ctx.urls.url = url;
  ctx.urls.interactiveUrl = url;
  ctx.urls.graphUrl = `${url}/v1.0`;
  ctx.urls.knownAuthority = `localhost:${portOf(app, opts.port)}`;
  let pages: FastifyInstance | undefined;
  if (opts.httpPort !== undefined) {
    pages = buildInteractiveServer(ctx, { onAnswered: changed });
    try {
      // Loopback only, whatever `host` says: plain HTTP must never leave the machine.
      await pages.listen({ port: opts.httpPort, host: '127.0.0.1' });
    } catch (err) {
      await app.close();
      throw err;
    }
    ctx.urls.interactiveUrl = `http://localhost:${portOf(pages, opts.httpPort)}`;
  }
  stateFile?.save();
  return {
    url,
    interactiveUrl: ctx.urls.interactiveUrl,
    loginUrl: url,
    graphUrl: ctx.urls.graphUrl,
    knownAuthority: ctx.urls.knownAuthority,
    caPath: ca.caPath,
    control,
    ...(stateFile ? { stateFile: stateFile.file } : {}),
    close: async () => {
      ctx.changeNotifications.stop();
      ctx.transport.stop();
      await Promise.all([app.close(), pages?.close()]);
      stateFile?.flush();
    },
  };
}
