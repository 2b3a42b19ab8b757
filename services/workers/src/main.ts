import { startWorkers } from '@outlook-connect/queues';
import { createLogger, loadConfigOrExit } from '@outlook-connect/shared';
import { createClients, workersEnv } from './clients';
import { registrationsFor } from './handlers';
import { keepMaintenanceScheduled } from './maintenance/schedule';

async function main(): Promise<void> {
  const config = loadConfigOrExit('workers', workersEnv);
  const logger = createLogger({ service: 'workers', level: config.LOG_LEVEL });
  const clients = await createClients(config, { logger });
  const served = config.WORKER_QUEUES;
  // Node loads its fetch implementation on first use (~50 ms of compiling on 2 cores): now, not in the first job's
  // first Graph request, which every job started meanwhile would wait behind.
  void globalThis.Headers;
  // Refuses to start unless every served queue has exactly one handler.
  const workers = startWorkers({
    registrations: registrationsFor(clients.deps, served),
    served,
    connection: clients.workerRedis,
    prefix: config.QUEUE_PREFIX,
    logger,
    defaultConcurrency: config.WORKER_CONCURRENCY,
    lockDurationMs: config.WORKER_LOCK_SEC * 1000,
  });
  const schedules = served.includes('maintenance') ? keepMaintenanceScheduled(clients.deps, logger) : null;
  logger.info({ served, prefix: config.QUEUE_PREFIX }, 'workers started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'workers stopping');
    schedules?.stop();
    // Workers first (they finish their current jobs), then the queue client and Redis, then the store.
    await workers.close();
    await clients.close();
    logger.info('workers stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`workers failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
