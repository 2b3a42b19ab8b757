import { handlerFor } from '@outlook-connect/queues';
import type { ServiceDeps } from '../worker-deps';
import { maintenanceTasks } from './tasks';

/** Runs one maintenance task by name (see the dispatch table in tasks.ts). */
export const maintenanceRegistration = (deps: ServiceDeps) =>
  handlerFor('maintenance', async ({ task }, ctx) => maintenanceTasks[task].run(deps, ctx), 2);
