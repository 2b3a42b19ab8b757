export { inboxEnv, inboxPolicyFromEnv, DEFAULT_INBOX_POLICY, type InboxPolicy } from './inbox-policy';
export {
  keepsSyncJob,
  notPolledReason,
  nextPollDelayMs,
  syncHorizonMs,
  withJitter,
  type NotPolledReason,
} from './poll-schedule';
export { toInboxMessage, messageSelect, type GraphMessage, type InboxMessageFields } from './graph-message';
export { inboxMessageId } from './message-store';
export { receivedEventId } from './received-events';
export { syncSweep, type SyncSweepResult } from './sync-sweep';
export { syncConnection, type SyncOutcome, type InboxSyncDeps } from './sync-connection';
export { inboxSyncRegistration, inboxPolicyOf, type InboxDeps } from './inbox-sync.handler';
