import { parseAllowList, webhookEnv, wholeSeconds, type PrivateHostAllowList } from '@outlook-connect/shared';
import { z } from 'zod';
import { defaultRetrySchedule, type RetrySchedule } from './retry-schedule';

export const webhookWorkerEnv = {
  ...webhookEnv,
  WEBHOOK_TIMEOUT_SEC: z.coerce
    .number()
    .int()
    .min(1)
    .max(60)
    .default(10)
    .describe('how long one webhook attempt may take (1-60 s)'),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(4)
    .describe('deliveries in flight at once per webhook endpoint (1-100)'),
  WEBHOOK_DISABLE_AFTER_SEC: wholeSeconds(3 * 24 * 3600 * 1000, 'an endpoint failing for this long is disabled'),
};

export interface WebhookPolicy {
  allow: PrivateHostAllowList;
  timeoutMs: number;
  /** Bytes of a response body read at most. */
  maxResponseBytes: number;
  /** Bytes of it kept in the delivery log. */
  keptResponseBytes: number;
  endpointConcurrency: number;
  disableAfterMs: number;
  schedule: RetrySchedule;
  random: () => number;
}

export const defaultWebhookPolicy: WebhookPolicy = {
  allow: new Set(),
  timeoutMs: 10_000,
  maxResponseBytes: 4096,
  keptResponseBytes: 1024,
  endpointConcurrency: 4,
  disableAfterMs: 3 * 24 * 3600 * 1000,
  schedule: defaultRetrySchedule,
  random: Math.random,
};

type WebhookConfig = z.infer<z.ZodObject<typeof webhookWorkerEnv>>;

export const webhookPolicyFromConfig = (c: WebhookConfig): WebhookPolicy => ({
  ...defaultWebhookPolicy,
  allow: parseAllowList(c.WEBHOOK_ALLOW_PRIVATE_HOSTS),
  timeoutMs: c.WEBHOOK_TIMEOUT_SEC * 1000,
  endpointConcurrency: c.WEBHOOK_ENDPOINT_CONCURRENCY,
  disableAfterMs: c.WEBHOOK_DISABLE_AFTER_SEC * 1000,
});
