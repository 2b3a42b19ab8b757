export {
  catalog,
  queueNames,
  workerQueueNames,
  type Payload,
  type QueueName,
  type QueueSpec,
  type WorkerQueueName,
} from './catalog';
export * from './events';
export { clusterSafePrefix } from './prefix';
export { redisKeys } from './redis-keys';
export { createRedis, deleteKeysMatching, keyNodes, scanKeys, type RedisConnection, type RedisTarget } from './redis';
export {
  createQueueClient,
  InvalidPayloadError,
  jobOptionsFor,
  validatePayload,
  type EmitInput,
  type QueueClient,
} from './queue-client';
export {
  checkHandlers,
  handlerFor,
  jobLogBindings,
  HandlerMapError,
  postpone,
  startWorkers,
  type Handler,
  type HandlerRegistration,
  type JobContext,
  type RunningWorkers,
  type WorkersOptions,
} from './worker-runtime';
export * from './calendar';
export * from './calendar-schemas';
export { canonicalJson, IdempotencyKeyReusedError, requestHash } from './request-hash';
export { resolveTimeZone, localToUtcMs, toGraphUtc, type ResolvedTimeZone } from './calendar-time';
export * from './sends';
export * from './attachments';
export * from './send-schemas';
export {
  inboxSyncJobId,
  inboxSyncRerunDelayMs,
  markInboxSyncStarted,
  requestInboxSync,
  scheduleInboxSync,
  handOutInboxSyncs,
  syncInboxNow,
  type PushSyncTiming,
  type ScheduleOutcome,
  type SyncHandOut,
} from './inbox-sync';
export { lookForSentCopiesNow } from './send-confirm';
export { checkInboxSubscriptionNow, inboxSubscriptionJobId, scheduleInboxSubscription } from './inbox-subscriptions';
export {
  LIFECYCLE_EVENTS,
  PUSH_COUNTERS,
  readPushMetrics,
  type LifecycleEvent,
  type PushMetricsSnapshot,
} from './push-metrics';
export { deliveryJobId, replayDelivery, startDelivery, subscribes } from './webhook-deliveries';
export {
  readWebhookMetrics,
  WEBHOOK_LATENCY_BUCKETS_MS,
  WEBHOOK_OUTCOMES,
  webhookMetricFields,
  type WebhookMetricsSnapshot,
} from './webhook-metrics';
