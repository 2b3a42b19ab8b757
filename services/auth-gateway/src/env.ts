import { z } from 'zod';
import { logEnv, microsoftEnv, redisEnv, secretsEnv, storeEnv } from '@outlook-connect/shared';

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
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .describe('comma-separated origins (https://crm.example.com) the connect flow may return to'),
  ADMIN_TOKEN: z.string().min(24, 'at least 24 characters').optional().describe('bearer token for POST /v1/workspaces'),
  SANDBOX: boolFlag,
  SANDBOX_APP_FILE: z
    .string()
    .optional()
    .describe('path of a private JSON file {clientId, clientSecret, tenant} with the sandbox OAuth app (SANDBOX=true only)'),
  SANDBOX_API_KEY_FILE: z
    .string()
    .optional()
    .describe("path of a private file holding the sandbox workspace's API key, kept across restarts (SANDBOX=true only; default: a new key each start)"),
};

export type GatewayEnv = z.infer<z.ZodObject<typeof gatewayEnv>>;
