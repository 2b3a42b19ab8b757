// What other packages use from the workers package (the worker process itself starts from main.ts).
export { workersEnv, type WorkersConfig } from './clients';
// The benchmarks (bench/) drive the real pieces directly.
export { createClients, type Clients } from './clients';
export { refreshSweep, type SweepResult } from './maintenance/refresh-sweep';
export { syncSweep, type SyncSweepResult } from './inbox/sync-sweep';
export { syncHorizonMs } from './inbox/poll-schedule';
export { DEFAULT_PUSH_POLICY } from './push/push-policy';
// Tests of other packages run the real workers in-process.
export { registrationsFor } from './handlers';
export { DEFAULT_INBOX_POLICY, receivedEventId, type InboxPolicy } from './inbox';
export { defaultWebhookPolicy, type WebhookPolicy } from './webhooks/webhook-policy';
