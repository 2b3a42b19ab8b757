import { z } from 'zod';

// The settings of the maintenance tasks that heal sends and calendar operations and prune old records (workersEnv).

export interface MaintenancePolicy {
  /** How often the operation sweep runs, and how many records one of its `_id $in` reads takes. */
  operationSweepEveryMs: number;
  operationSweepBatch: number;
  /** An open send or calendar operation unchanged this long gets its job checked (a scheduled send this long before its send-at). */
  operationGraceMs: number;
  /** How often retention runs, how many records one delete takes, and how many deletes one run does per collection. */
  retentionEveryMs: number;
  retentionBatch: number;
  retentionMaxBatches: number;
  /** Age past which records are deleted: connect attempts (past their expiry), finished sends and calendar operations, activity lines. */
  connectAttemptRetentionMs: number;
  sendRetentionMs: number;
  calendarRetentionMs: number;
  activityRetentionMs: number;
  /** Age past which finished webhook deliveries (delivered, failed) and their attempt log are deleted. */
  webhookDeliveryRetentionMs: number;
}

const DAY_MS = 24 * 3600_000;

export const DEFAULT_MAINTENANCE_POLICY: MaintenancePolicy = {
  operationSweepEveryMs: 30_000,
  operationSweepBatch: 500,
  operationGraceMs: 30_000,
  retentionEveryMs: 3600_000,
  retentionBatch: 500,
  retentionMaxBatches: 20,
  connectAttemptRetentionMs: 7 * DAY_MS,
  sendRetentionMs: 90 * DAY_MS,
  calendarRetentionMs: 90 * DAY_MS,
  activityRetentionMs: 30 * DAY_MS,
  webhookDeliveryRetentionMs: 30 * DAY_MS,
};

const count = (def: number, what: string, max = 100_000) =>
  z.coerce.number().int().min(1).max(max).default(def).describe(`${what} (an integer 1..${max})`);
const days = (defMs: number, what: string) => count(Math.round(defMs / DAY_MS), `${what}, in days`, 36_500);
const d = DEFAULT_MAINTENANCE_POLICY;

export const maintenanceEnv = {
  OPERATION_SWEEP_EVERY_SEC: count(
    d.operationSweepEveryMs / 1000,
    'seconds between two sweeps that give queued and scheduled sends and calendar operations their job back',
    86_400,
  ),
  OPERATION_SWEEP_BATCH: count(
    d.operationSweepBatch,
    'sends (and calendar operations) one `_id $in` read of the operation sweep takes',
    10_000,
  ),
  OPERATION_SWEEP_GRACE_SEC: count(
    d.operationGraceMs / 1000,
    'seconds an open send or calendar operation stays unchanged before the operation sweep checks its job',
    86_400,
  ),
  RETENTION_EVERY_SEC: count(d.retentionEveryMs / 1000, 'seconds between two retention runs', 86_400),
  RETENTION_BATCH: count(d.retentionBatch, 'records one retention delete takes', 10_000),
  CONNECT_ATTEMPT_RETENTION_DAYS: days(
    d.connectAttemptRetentionMs,
    'how long a connect attempt is kept past its expiry',
  ),
  SEND_RETENTION_DAYS: days(
    d.sendRetentionMs,
    'how long a finished (sent, failed, canceled) send is kept; its idempotency key lasts as long',
  ),
  CALENDAR_RETENTION_DAYS: days(
    d.calendarRetentionMs,
    'how long a finished calendar operation is kept; its idempotency key lasts as long',
  ),
  ACTIVITY_RETENTION_DAYS: days(d.activityRetentionMs, "how long an activity line of a connection's timeline is kept"),
  WEBHOOK_DELIVERY_RETENTION_DAYS: days(
    d.webhookDeliveryRetentionMs,
    'how long a finished webhook delivery and its attempt log are kept (replay reaches back as far)',
  ),
};

export function maintenancePolicyFromConfig(e: z.infer<z.ZodObject<typeof maintenanceEnv>>): MaintenancePolicy {
  return {
    ...DEFAULT_MAINTENANCE_POLICY,
    operationSweepEveryMs: e.OPERATION_SWEEP_EVERY_SEC * 1000,
    operationSweepBatch: e.OPERATION_SWEEP_BATCH,
    operationGraceMs: e.OPERATION_SWEEP_GRACE_SEC * 1000,
    retentionEveryMs: e.RETENTION_EVERY_SEC * 1000,
    retentionBatch: e.RETENTION_BATCH,
    connectAttemptRetentionMs: e.CONNECT_ATTEMPT_RETENTION_DAYS * DAY_MS,
    sendRetentionMs: e.SEND_RETENTION_DAYS * DAY_MS,
    calendarRetentionMs: e.CALENDAR_RETENTION_DAYS * DAY_MS,
    activityRetentionMs: e.ACTIVITY_RETENTION_DAYS * DAY_MS,
    webhookDeliveryRetentionMs: e.WEBHOOK_DELIVERY_RETENTION_DAYS * DAY_MS,
  };
}
