import { handlerFor } from '@outlook-connect/queues';
import { UnrecoverableError } from 'bullmq';
import type { ServiceDeps } from '../worker-deps';
import { maintenanceTasks } from './tasks';

/** Runs one maintenance task by name (see the dispatch table in tasks.ts). */
export const maintenanceRegistration = (deps: ServiceDeps) =>
  handlerFor(
    'maintenance',
    async ({ task }, ctx) => {
      const entry = maintenanceTasks[task];
      if (!entry) throw new UnrecoverableError(`maintenance task "${task}" has no entry in maintenance/tasks.ts`);
      return entry.run(deps, ctx);
    },
    2,
  );
