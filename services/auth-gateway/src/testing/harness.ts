import { startEmulator, type Emulator } from '@outlook-connect/ms-emulator';
import { generateKeyringSpec, parseEnv } from '@outlook-connect/shared';
import { testIsolation } from '@outlook-connect/stack';
import { buildGateway } from '../build-gateway';
import { closeGatewayDeps, createGatewayDeps, type GatewayDeps } from '../clients';
import { gatewayEnv } from '../env';
import type { GatewayApp } from '../http/gateway-app';
import { createWorkspace } from '../workspaces/create-workspace';

export const PUBLIC_URL = 'https://gateway.test';
export const RETURN_URL = 'https://crm.example.test/settings/email';
export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

/** One test file's gateway: its own database and queue prefix, the in-process emulator, logs captured. */
export interface GatewayHarness {
  app: GatewayApp;
  deps: GatewayDeps;
  emulator: Emulator;
  logs: string[];
  workspaceId: string;
  apiKey: string;
  auth: { authorization: string };
  /** The listening gateway's base URL (tests talk HTTP to it like the CRM and a browser would). */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startGatewayHarness(
  label: string,
  opts: {
    sandbox?: boolean;
    publicUrl?: string;
    interactive?: boolean;
    port?: number;
    redisUrl?: string;
    mongoUrl?: string;
    env?: Record<string, string>;
  } = {},
): Promise<GatewayHarness> {
  const iso = testIsolation(label);
  const emulator = await startEmulator({ interactive: opts.interactive ?? false });
  const logs: string[] = [];
  const env = parseEnv('auth-gateway', gatewayEnv, {
    REDIS_URL: opts.redisUrl ?? iso.redisUrl,
    QUEUE_PREFIX: iso.queuePrefix,
    MONGO_URL: opts.mongoUrl ?? iso.mongoUrl,
    SECRETS_KEYS: generateKeyringSpec(),
    MICROSOFT_LOGIN_URL: emulator.loginUrl,
    MICROSOFT_GRAPH_URL: emulator.graphUrl,
    PUBLIC_URL: opts.publicUrl ?? PUBLIC_URL,
    RETURN_URL_ALLOWLIST: 'https://crm.example.test',
    ADMIN_TOKEN,
    SANDBOX: opts.sandbox ? 'true' : 'false',
    LOG_LEVEL: 'debug',
    ...(opts.env ?? {}),
  });
  const deps = await createGatewayDeps(env, {
    dbName: iso.dbName,
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  const app = await buildGateway(deps);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const { workspaceId, apiKey } = await createWorkspace(deps.models, 'Test workspace');
  return {
    app,
    deps,
    emulator,
    logs,
    workspaceId,
    apiKey,
    auth: { authorization: `Bearer ${apiKey}` },
    baseUrl,
    async close() {
      // The clients and the emulator are closed also when the cleanup before them fails (a test that restarted
      // Redis or the store): left open, their reconnect timers and the emulator's server keep jest from exiting.
      try {
        await app.close();
        await Promise.all(
          ['token-refresh', 'inbox-sync', 'send', 'calendar', 'events', 'app-recovery', 'webhook-delivery'].map((q) =>
            deps.queues.queue(q as 'events').obliterate({ force: true }),
          ),
        );
        await deps.store.dropDatabase();
      } finally {
        await closeGatewayDeps(deps).finally(() => emulator.close());
      }
    },
  };
}
