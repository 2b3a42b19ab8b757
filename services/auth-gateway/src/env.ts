import { z } from 'zod';
import { logEnv, microsoftEnv, redisEnv, secretsEnv, storeEnv, webhookEnv } from '@outlook-connect/shared';

const boolFlag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1')
  .describe('true or false');

/** The auth-gateway's environment, parsed once at startup (loadConfigOrExit). */
export const gatewayEnv = {
  ...logEnv,
  ...redisEnv,
  ...storeEnv,
  ...secretsEnv,
  ...microsoftEnv,
  ...webhookEnv,
  HTTP_HOST: z.string().default('0.0.0.0').describe('the address to listen on'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('a TCP port 0-65535'),
  PUBLIC_URL: z
    .string()
    .url()
    .transform((v) => v.replace(/\/+$/, ''))
    .describe('the public base URL of this gateway (the OAuth redirect URI is built on it)'),
  RETURN_URL_ALLOWLIST: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .describe('comma-separated origins (https://crm.example.com) the connect flow may return to'),
  ADMIN_TOKEN: z.string().min(24, 'at least 24 characters').optional().describe('bearer token for POST /v1/workspaces'),
  REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(600_000)
    .default(15_000)
    .describe('ms a request may take end to end before it answers 503 (1000-600000)'),
  DEPENDENCY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(3000)
    .describe('ms a store or Redis call may wait before the request answers 503 (100-60000)'),
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v, ctx): false | number | string[] => {
      const t = v.trim();
      if (t === '' || t === 'false') return false;
      if (/^\d+$/.test(t)) return Number(t);
      const list = t
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (list.some((a) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a))) {
        ctx.addIssue({ code: 'custom', message: 'a hop count or a comma-separated list of proxy addresses/CIDRs' });
        return z.NEVER;
      }
      return list;
    })
    .describe(
      'which X-Forwarded-For hops to believe: empty (none, the default), a hop count, or proxy addresses/CIDRs; the failed-auth limit keys on the client address this yields',
    ),
  STORE_DOWN_LIVENESS_SEC: z.coerce
    .number()
    .int()
    .min(10)
    .max(86_400)
    .default(300)
    .describe('seconds the store may be unreachable before /healthz fails so the orchestrator restarts the gateway'),
  AUTH_FAILURE_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(10)
    .describe('failed API-key attempts per client IP and window before 429'),
  AUTH_FAILURE_WINDOW_SEC: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(60)
    .describe('the window of AUTH_FAILURE_LIMIT, in seconds'),
  MAX_MESSAGE_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(150)
    .default(35)
    .describe(
      "the mailboxes' maximum message size in MB, attachments included (Exchange Online: 35 by default, at most 150); uploads and sends above it are refused",
    ),
  PUSH_SYNC_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(500)
    .describe(
      "ms between a quiet mailbox's first change notification and its delta sync, so the rest of its batch lands in the same sync (0-60000)",
    ),
  PUSH_SYNC_SPACING_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(5_000)
    .describe(
      'ms window in which notifications of one mailbox bring at most one sync forward plus one at its end: a burst costs one or two syncs (100-600000)',
    ),
  SANDBOX: boolFlag,
  SANDBOX_APP_FILE: z
    .string()
    .optional()
    .describe(
      'path of a private JSON file {clientId, clientSecret, tenant} with the sandbox OAuth app (SANDBOX=true only)',
    ),
  SANDBOX_API_KEY_FILE: z
    .string()
    .optional()
    .describe(
      "path of a private file holding the sandbox workspace's API key, kept across restarts (SANDBOX=true only; default: a new key each start)",
    ),
};

export type GatewayEnv = z.infer<z.ZodObject<typeof gatewayEnv>>;
