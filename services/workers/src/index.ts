// What other services use from the workers package (the worker process itself starts from main.ts).
export { createFreeBusyRuntime, type FreeBusyRuntimeOptions } from './calendar';
export { workersEnv, type WorkersConfig } from './clients';
// The benchmarks (bench/) drive the real pieces directly.
export { createClients, type Clients } from './clients';
export { refreshSweep, type SweepResult } from './maintenance/refresh-sweep';
export { defaultRefreshPolicy, type RefreshPolicy } from './tokens/refresh-policy';
export { syncInboxNow } from './inbox';
// Tests of other services run the real workers in-process.
export { registrationsFor } from './handlers';
export { DEFAULT_INBOX_POLICY, type InboxPolicy } from './inbox';
