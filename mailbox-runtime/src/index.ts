// The mailbox runtime: what the workers and the gateway build from one factory (createMailboxRuntime).
export { createMailboxRuntime, type MailboxRuntime, type MailboxRuntimeOptions } from './runtime';
export type { RuntimeDeps } from './runtime-deps';
export {
  ConnectionUnusableError,
  MailboxBusyError,
  type AccessTokens,
  type AccessTokenSeed,
  type ConnectionHealth,
  type MailboxGate,
  type MailboxGraph,
} from './contracts';

// connection-status: the one owner of a connection's status.
export * from './connection-status/connection-status';
export {
  recordGrant,
  type ReconnectGrantInput,
  type RecordGrantInput,
  type RecordGrantMismatch,
  type RecordGrantResult,
} from './connection-status/record-grant';
export { createConnectionHealth, type ConnectionHealthService, type FailureSource } from './connection-status/health';
export {
  APP_REASON_CODES,
  appReason,
  appSecretStatusFor,
  isAppReason,
  nextStatus,
  reasonFor,
  type StatusChange,
} from './connection-status/next-status';

// tokens
export { createAccessTokens, TokenRefreshFailedError } from './tokens/access-tokens';
export { refreshConnection, type RefreshOptions, type RefreshOutcome } from './tokens/refresh-connection';
export {
  createTokenRequestSlots,
  REFRESH_JOBS_PER_TOKEN_REQUEST,
  refreshJobsInFlight,
  underTokenCap,
} from './tokens/token-request-slots';
export { defaultRefreshPolicy, refreshEnv, refreshPolicyFromEnv, type RefreshPolicy } from './tokens/refresh-policy';
export {
  addToRefreshSchedule,
  clearFinishedRefresh,
  REFRESH_SCHEDULE,
  REFRESH_SLOT_MS,
  refreshJobId,
  scheduleRefresh,
  scheduleRefreshes,
  unscheduleRefresh,
  type ScheduleDeps,
  type ScheduledFields,
} from './tokens/refresh-schedule';
export {
  LEGACY_MOVE_MARK,
  LEGACY_REFRESH_SCHEDULE,
  planLegacyMove,
  settleLegacyMove,
  type LegacyMoveState,
} from './tokens/legacy-refresh-schedule';
// bucketed due-time schedules (refreshes; any schedule a sweep reads by time)
export * from './schedule';
export {
  nextRefreshAt,
  refreshDueAt,
  retryDelayMs,
  shouldRefresh,
  type RefreshDecision,
  type RefreshReason,
} from './tokens/should-refresh';

// the mailbox gate and the gated Graph client
export * from './gate';
export { acquireLease, isLeased, type HeldLease } from './redis/lease';
/** The runtime's Lua commands on a connection (the webhooks worker's endpoint slots reuse the slot scripts). */
export { commands as runtimeCommands } from './redis/commands';

// the operators' timeline
export {
  flushActivityLines,
  recordActivity,
  recordActivityLater,
  writeActivityLine,
  writeActivityLineLater,
  type ActivityLine,
} from './timeline/activity';
/** Group commit: writes made together by concurrent jobs go out as one (activity lines, reply keys). */
export { createGroupWriter, type GroupWriter } from './timeline/group-writer';

export { createFreeBusyLookup, type FreeBusyDeps } from './free-busy/free-busy';

// push: the Inbox's Graph change-notification subscription (the one owner of its state)
export * from './subscriptions';
