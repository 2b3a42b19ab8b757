import { loadConfigOrExit } from '@outlook-connect/shared';
import { dashboardEnv } from './env';
import { startDashboard } from './start';

// The dashboard process: parse the environment once (refusing to start on a bad variable), listen, and on
// SIGTERM/SIGINT stop taking requests before closing Redis and the store.
async function main(): Promise<void> {
  const env = loadConfigOrExit('dashboard', dashboardEnv);
  const running = await startDashboard(env);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`dashboard: ${signal}, shutting down\n`);
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`dashboard: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`dashboard: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
