import { z } from 'zod';
import { logEnv, redisEnv, storeEnv } from '@outlook-connect/shared';

const flag = (what: string) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1')
    .describe(`true or false (${what})`);

/** The dashboard's environment: the building blocks it needs plus its own variables. */
export const dashboardEnv = {
  ...redisEnv,
  ...storeEnv,
  ...logEnv,
  DASHBOARD_HOST: z.string().default('0.0.0.0').describe('the address the dashboard listens on'),
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(3002).describe('a TCP port 0-65535'),
  DASHBOARD_USER: z.string().min(1).max(200).describe("the operators' basic-auth user name"),
  DASHBOARD_PASSWORD: z
    .string()
    .min(12, 'must be at least 12 characters')
    .max(500)
    .describe("the operators' basic-auth password, at least 12 characters"),
  DASHBOARD_AUTH_FAILURE_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(10)
    .describe('failed sign-ins per client IP and window before 429'),
  DASHBOARD_AUTH_FAILURE_WINDOW_SEC: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(60)
    .describe('the window of DASHBOARD_AUTH_FAILURE_LIMIT, in seconds'),
  DASHBOARD_REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(600_000)
    .default(15_000)
    .describe('ms a request may take before it answers 503 (1000-600000)'),
  DASHBOARD_READ_ONLY: flag('read-only mode: no retry, remove, promote or clean'),
  DASHBOARD_DURATION_SAMPLE: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(500)
    .describe('how many of the newest completed jobs per queue each scrape reads for job durations (1-5000)'),
  DASHBOARD_METRICS_WINDOW_SEC: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(3600)
    .describe('the window, in seconds, of the activity-based metrics (refresh outcomes, throttling pauses)'),
  DASHBOARD_DEPTH_SCAN_LIMIT: z.coerce
    .number()
    .int()
    .min(100)
    .max(1_000_000)
    .default(20_000)
    .describe('how many waiting and delayed jobs per queue the per-mailbox depth scan reads at most'),
};

export type DashboardConfig = z.infer<z.ZodObject<typeof dashboardEnv>>;
