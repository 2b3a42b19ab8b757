import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedSandbox, startEmulator } from '@outlook-connect/ms-emulator';
import { localDir, repoRoot } from './paths';
import { waitFor } from './probe';
import type { Stack } from './stack';

type WithStack = <T>(dataDir: string | undefined, fn: (stack: Stack) => Promise<T>) => Promise<T>;

const sandboxDir = join(localDir, 'sandbox');
const logDir = join(sandboxDir, 'logs');

/** A private file (0600) created once and reused: the sandbox keeps its keys across restarts. */
function privateValue(name: string, make: () => string): { path: string; value: string } {
  const path = join(sandboxDir, name);
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
  return { path, value: readFileSync(path, 'utf8').trim() };
}

function startService(name: string, env: Record<string, string>): ChildProcess {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(repoRoot, 'services', name, 'src', 'main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/**
 * Brings up the whole system in sandbox mode: Redis and the store (kept in .local/sandbox), the Microsoft emulator
 * with a sandbox tenant, users and OAuth app, then the auth-gateway, workers and dashboard as their own processes.
 */
export async function sandbox(withStack: WithStack): Promise<number> {
  mkdirSync(logDir, { recursive: true });
  return withStack(join(sandboxDir, 'data'), async (stack) => {
    const gatewayPort = Number(process.env.SANDBOX_PORT ?? 3000);
    const dashboardPort = Number(process.env.SANDBOX_DASHBOARD_PORT ?? 3002);
    const publicUrl = `http://localhost:${gatewayPort}`;
    const emulator = await startEmulator({ interactive: true, port: Number(process.env.EMULATOR_PORT ?? 5443) });
    const seed = seedSandbox(emulator.control, { redirectUris: [`${publicUrl}/oauth/callback`] });

    const keys = privateValue('secrets-keys', () => `sandbox1:${randomBytes(32).toString('base64')}`);
    const dashboardPassword = privateValue('dashboard-password', () => randomBytes(18).toString('base64url'));
    const appFile = join(sandboxDir, 'emulator-app.json');
    writeFileSync(appFile, JSON.stringify({ clientId: seed.clientId, clientSecret: seed.clientSecret, tenant: 'common' }), { mode: 0o600 });

    const mongo = new URL(stack.store.url);
    mongo.pathname = '/outlook_connect';
    const common = {
      ...stack.env,
      MONGO_URL: mongo.toString(),
      QUEUE_PREFIX: 'oc',
      SECRETS_KEYS: keys.value,
      MICROSOFT_LOGIN_URL: emulator.loginUrl,
      MICROSOFT_GRAPH_URL: emulator.graphUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    const children = new Map<string, ChildProcess>([
      ['auth-gateway', startService('auth-gateway', {
        ...common,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(gatewayPort),
        PUBLIC_URL: publicUrl,
        RETURN_URL_ALLOWLIST: publicUrl,
        SANDBOX: 'true',
        SANDBOX_APP_FILE: appFile,
      })],
      ['workers', startService('workers', { ...common, INBOX_POLL_INTERVAL_SEC: process.env.INBOX_POLL_INTERVAL_SEC ?? '15' })],
      ['dashboard', startService('dashboard', {
        ...common,
        DASHBOARD_HOST: '127.0.0.1',
        DASHBOARD_PORT: String(dashboardPort),
        DASHBOARD_USER: 'operator',
        DASHBOARD_PASSWORD: dashboardPassword.value,
      })],
    ]);

    const exited = new Promise<string>((resolve) => {
      for (const [name, child] of children) child.once('exit', (code) => resolve(`${name} exited (${code ?? 'signal'})`));
    });
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('stopped'));
      process.once('SIGTERM', () => resolve('stopped'));
    });
    const ready = waitFor(() => httpOk(`${publicUrl}/readyz`), 60_000, 'the auth-gateway').then(() => 'ready');
    const first = await Promise.race([ready, exited, stopped]);
    if (first === 'ready') {
      process.stdout.write(
        [
          '',
          `  outlook-connect sandbox is running:  ${publicUrl}/`,
          '',
          `  Sign in at the emulator's consent page as ${seed.users.map((u) => u.email).join(', ')}.`,
          `  Operators' dashboard: http://localhost:${dashboardPort}/ (user "operator", password in ${dashboardPassword.path})`,
          `  Microsoft emulator: ${emulator.url} (control API under /_emulator); logs in ${logDir}`,
          '  Ctrl-C stops everything.',
          '',
        ].join('\n'),
      );
    } else {
      process.stderr.write(`sandbox: ${first}; see ${logDir}\n`);
    }
    const outcome = first === 'ready' ? await Promise.race([exited, stopped]) : first;
    for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      [...children.values()].map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
    );
    await emulator.close();
    if (outcome !== 'stopped') {
      process.stderr.write(`sandbox: ${outcome}; see ${logDir}\n`);
      return 1;
    }
    return 0;
  });
}
