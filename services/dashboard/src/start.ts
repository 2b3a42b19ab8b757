import type { Logger } from '@outlook-connect/shared';
import { buildDashboard } from './app';
import { createDashboardDeps } from './deps';
import type { DashboardConfig } from './env';

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

/** Opens its dependencies, builds the dashboard and listens; close() stops taking requests, then closes Redis and the store. */
export async function startDashboard(env: DashboardConfig, logger?: Logger): Promise<RunningDashboard> {
  const deps = await createDashboardDeps(env, logger);
  try {
    const app = await buildDashboard(deps);
    const address = await app.listen({ host: env.DASHBOARD_HOST, port: env.DASHBOARD_PORT });
    deps.logger.info({ address, readOnly: deps.readOnly }, 'dashboard listening');
    return {
      url: address,
      async close() {
        await app.close();
        await deps.close();
      },
    };
  } catch (err) {
    await deps.close();
    throw err;
  }
}
