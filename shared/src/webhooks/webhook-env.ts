import { z } from 'zod';

/** Shared by the gateway (registration check) and the workers (connection-time check). */
export const webhookEnv = {
  WEBHOOK_ALLOW_PRIVATE_HOSTS: z
    .string()
    .default('')
    .describe(
      'comma-separated hosts or IP addresses webhooks may reach although private/loopback (local development and tests only); they may use http',
    ),
};
