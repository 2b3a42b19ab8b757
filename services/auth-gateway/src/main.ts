import { readFileSync } from 'node:fs';
import { loadConfigOrExit } from '@outlook-connect/shared';
import { setupSandbox, type SandboxAppInput } from './sandbox/setup-sandbox';
import { buildGateway } from './build-gateway';
import { closeGatewayDeps, createGatewayDeps } from './clients';
import { gatewayEnv } from './env';

async function main(): Promise<void> {
  const env = loadConfigOrExit('auth-gateway', gatewayEnv);
  const deps = await createGatewayDeps(env);
  if (env.SANDBOX && env.SANDBOX_APP_FILE) {
    // The sandbox launcher registers an app in the emulator and hands its credentials over in a 0600 file.
    const input = JSON.parse(readFileSync(env.SANDBOX_APP_FILE, 'utf8')) as SandboxAppInput;
    // The launcher's persistent key (also printed for curl); the gateway stores only its hash.
    const apiKey = env.SANDBOX_API_KEY_FILE ? readFileSync(env.SANDBOX_API_KEY_FILE, 'utf8').trim() : undefined;
    deps.sandboxApiKey = (await setupSandbox(deps, input, apiKey)).apiKey;
  }
  const app = await buildGateway(deps);
  await app.listen({ host: env.HTTP_HOST, port: env.HTTP_PORT });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, 'shutting down');
    // HTTP first (stop taking requests), then queue producers and Redis, then the store.
    await app.close();
    await closeGatewayDeps(deps);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

void main().catch((err: unknown) => {
  process.stderr.write(`auth-gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
