export { buildDashboard, REALM } from './app';
export { createDashboardDeps, type DashboardDeps, type OwnedDashboardDeps } from './deps';
export { dashboardEnv, type DashboardConfig } from './env';
export { startDashboard, type RunningDashboard } from './start';
