import type { QueueClient } from '@outlook-connect/queues';
import type { Logger } from '@outlook-connect/shared';
import type { ServiceDeps } from '../worker-deps';
import { maintenanceTasks, type MaintenanceTaskName } from './tasks';

/** Creates the repeatable job of every maintenance task that lacks one (idempotent; cheap when all exist). */
export async function ensureMaintenanceScheduled(
  queues: QueueClient,
  deps: ServiceDeps,
): Promise<MaintenanceTaskName[]> {
  const queue = queues.queue('maintenance');
  const created: MaintenanceTaskName[] = [];
  for (const [task, entry] of Object.entries(maintenanceTasks) as Array<
    [MaintenanceTaskName, NonNullable<(typeof maintenanceTasks)[MaintenanceTaskName]>]
  >) {
    if (await queue.getJobScheduler(task)) continue;
    await queue.upsertJobScheduler(task, { every: entry.everyMs(deps) }, { name: 'maintenance', data: { task } });
    created.push(task);
  }
  return created;
}

/**
 * The schedulers live in Redis: a flush would take the sweeper with it. Every worker process re-checks them on a
 * timer, so the sweep (and with it every refresh) comes back by itself.
 */
export function keepMaintenanceScheduled(deps: ServiceDeps, logger: Logger): { stop(): void } {
  let first = true;
  const tick = () =>
    ensureMaintenanceScheduled(deps.queues, deps)
      .then((created) => {
        if (created.length)
          logger[first ? 'info' : 'warn'](
            { created },
            first ? 'maintenance schedules created' : 'maintenance schedules were missing; recreated',
          );
        first = false;
      })
      .catch((err: unknown) => logger.error({ err }, 'could not check the maintenance schedules'));
  const timer = setInterval(tick, Math.max(1_000, deps.policy.sweepEveryMs));
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
