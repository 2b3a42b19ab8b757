import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedSandbox, startEmulator, type StartOptions } from '@outlook-connect/ms-emulator';
import { startProcess, type Started } from './child';
import { repoRoot } from './paths';
import { serviceNodeArgs } from './service-args';
import { explainAddressInUse, portProblems, type NamedPort } from './ports';
import { waitFor } from './probe';
import { sandboxBanner } from './sandbox-banner';
import { parseSandboxArgs, resetSandbox, sandboxDirFrom, sandboxSecrets } from './sandbox-files';
import { Layer, onShutdown, shutdownSignal } from './shutdown';
import type { Stack } from './stack';

type WithStack = <T>(dataDir: string | undefined, fn: (stack: Stack) => Promise<T>) => Promise<T>;

const say = (msg: string) => process.stderr.write(`[sandbox] ${msg}\n`);

/** The ports the sandbox listens on, each with the variable that moves it. */
export function sandboxPorts(
  env: NodeJS.ProcessEnv = process.env,
): Record<'gateway' | 'dashboard' | 'emulator' | 'emulatorHttp', NamedPort> {
  const port = (variable: string, def: number, what: string): NamedPort => ({
    port: Number(env[variable] ?? def),
    variable,
    what,
  });
  return {
    gateway: port('SANDBOX_PORT', 3000, 'the auth-gateway and the sandbox page'),
    dashboard: port('SANDBOX_DASHBOARD_PORT', 3002, "the operators' dashboard"),
    emulator: port('EMULATOR_PORT', 5443, 'the Microsoft emulator, HTTPS'),
    emulatorHttp: port('EMULATOR_HTTP_PORT', 5480, "the emulator's consent pages, HTTP"),
  };
}

function startService(name: string, env: Record<string, string>, logDir: string): Started {
  // One process per service, started as the image starts it (service-args.ts): our SIGTERM reaches the service itself, once.
  const childEnv = { ...process.env, ...env };
  return startProcess(name, process.execPath, serviceNodeArgs(name, childEnv), join(logDir, `${name}.log`), {
    cwd: repoRoot,
    env: childEnv,
    layer: Layer.service,
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** A service that exited: what it said, with a port that was taken named by its variable. */
function exitReport(s: Started, how: string, ports: NamedPort[]): string {
  const tail = s.tail(15);
  const cause = explainAddressInUse(tail, ports);
  return `${s.name} exited (${how})${cause ? `: ${cause}` : ''}\n  its last output (${s.logFile}):\n${tail.replace(/^/gm, '    ')}`;
}

/**
 * Brings up the whole system in sandbox mode: Redis and the store (kept in the sandbox folder), the Microsoft emulator
 * with a sandbox tenant, users and OAuth app, then the auth-gateway, workers and dashboard as their own processes.
 * Whatever fails stops what started (cli.ts stops everything registered on the way out) and says why.
 */
export async function sandbox(withStack: WithStack, argv: string[], onServing: () => void): Promise<number> {
  const args = parseSandboxArgs(argv);
  const sandboxDir = sandboxDirFrom();
  const logDir = join(sandboxDir, 'logs');
  const ports = sandboxPorts();
  const problems = await portProblems(Object.values(ports));
  if (problems.length) {
    for (const p of problems) say(p);
    return 1;
  }
  if (args.reset) {
    const removed = resetSandbox(sandboxDir);
    say(
      removed.length
        ? `--reset: removed ${removed.join(', ')} from ${sandboxDir}`
        : `--reset: ${sandboxDir} was already empty`,
    );
  }
  const secrets = sandboxSecrets(sandboxDir);

  return withStack(join(sandboxDir, 'data'), async (stack) => {
    const publicUrl = `http://localhost:${ports.gateway.port}`;
    const emulatorOptions: StartOptions = {
      interactive: true,
      port: ports.emulator.port,
      stateDir: join(sandboxDir, 'data', 'emulator'),
      httpPort: ports.emulatorHttp.port,
    };
    const emulator = await startEmulator(emulatorOptions);
    onShutdown('the Microsoft emulator', Layer.emulator, () => emulator.close());
    const seed = seedSandbox(emulator.control, { redirectUris: [`${publicUrl}/oauth/callback`] });

    const appFile = join(sandboxDir, 'emulator-app.json');
    writeFileSync(
      appFile,
      JSON.stringify({ clientId: seed.clientId, clientSecret: seed.clientSecret, tenant: 'common' }),
      { mode: 0o600 },
    );

    const mongo = new URL(stack.store.url);
    mongo.pathname = '/outlook_connect';
    const common = {
      ...stack.env,
      MONGO_URL: mongo.toString(),
      QUEUE_PREFIX: 'oc',
      SECRETS_KEYS: secrets.secretsKeys.value,
      MICROSOFT_LOGIN_URL: emulator.loginUrl,
      MICROSOFT_GRAPH_URL: emulator.graphUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      // The sandbox's webhook receiver is the gateway's own page on localhost.
      WEBHOOK_ALLOW_PRIVATE_HOSTS: 'localhost,127.0.0.1',
    };
    const services = [
      startService(
        'auth-gateway',
        {
          ...common,
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(ports.gateway.port),
          PUBLIC_URL: publicUrl,
          RETURN_URL_ALLOWLIST: publicUrl,
          ADMIN_TOKEN: secrets.adminToken.value,
          SANDBOX: 'true',
          SANDBOX_APP_FILE: appFile,
          // A path, not the key: the key stays out of the environment and the command line.
          SANDBOX_API_KEY_FILE: secrets.apiKey.path,
        },
        logDir,
      ),
      startService(
        'workers',
        { ...common, INBOX_POLL_INTERVAL_SEC: process.env.INBOX_POLL_INTERVAL_SEC ?? '15' },
        logDir,
      ),
      startService(
        'dashboard',
        {
          ...common,
          DASHBOARD_HOST: '127.0.0.1',
          DASHBOARD_PORT: String(ports.dashboard.port),
          DASHBOARD_USER: 'operator',
          DASHBOARD_PASSWORD: secrets.dashboardPassword.value,
        },
        logDir,
      ),
    ];
    const exited = Promise.race(services.map((s) => s.exited.then((how) => exitReport(s, how, Object.values(ports)))));
    const dashboardUrl = `http://localhost:${ports.dashboard.port}`;
    const ready = Promise.all([
      waitFor(() => httpOk(`${publicUrl}/readyz`), 90_000, 'the auth-gateway'),
      waitFor(
        () =>
          fetch(`${dashboardUrl}/metrics`).then(
            (r) => r.status < 500,
            () => false,
          ),
        90_000,
        'the dashboard',
      ),
    ]).then(
      () => 'ready' as const,
      (err: unknown) =>
        `${err instanceof Error ? err.message : String(err)}\n${services.map((s) => `  ${s.name} (${s.logFile}):\n${s.tail(8).replace(/^/gm, '    ')}`).join('\n')}`,
    );
    const first = await Promise.race([ready, exited]);
    if (shutdownSignal()) return 0;
    if (first !== 'ready') {
      say(`could not start: ${first}`);
      return 1;
    }
    process.stdout.write(
      sandboxBanner({
        publicUrl,
        dashboardUrl,
        emulatorUrl: emulator.url,
        interactiveUrl: emulator.interactiveUrl,
        users: seed.users.map((u) => u.email),
        apiKey: secrets.apiKey,
        adminToken: secrets.adminToken,
        dashboardPasswordFile: secrets.dashboardPassword.path,
        logDir,
        cwd: process.cwd(),
      }),
    );
    onServing();
    // Runs until a signal (cli.ts stops everything and exits) or until a service dies.
    const died = await exited;
    if (shutdownSignal()) return 0;
    say(`stopping: ${died}`);
    return 1;
  });
}
