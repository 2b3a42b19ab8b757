import { z } from 'zod';

// Building blocks each service composes into its own env schema (no single schema every module depends on).

const url = (protocols: string[], what: string) =>
  z
    .string()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a ${what} URL`)
    .describe(`a ${what} URL`);

export const logEnv = {
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('one of fatal, error, warn, info, debug, trace, silent'),
};

export const redisEnv = {
  REDIS_URL: url(['redis:', 'rediss:'], 'redis:// or rediss://'),
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const nodes = v.split(',').map((s) => s.trim());
      const bad = nodes.filter((n) => !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(n) || Number(n.split(':').pop()) > 65535);
      if (bad.length) ctx.addIssue({ code: 'custom', message: `not host:port: ${bad.join(', ')}` });
      return nodes.map((n) => ({
        host: n.slice(0, n.lastIndexOf(':')),
        port: Number(n.slice(n.lastIndexOf(':') + 1)),
      }));
    })
    .describe(
      "comma-separated host:port seed nodes of a Redis Cluster (unset: REDIS_URL is a single Redis); REDIS_URL's user, password and TLS apply to every node",
    ),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, ":", "_" or "-" only')
    .default('oc')
    .describe('the BullMQ key prefix (wrapped in a Redis Cluster hash tag)'),
};

export const storeEnv = {
  MONGO_URL: url(['mongodb:', 'mongodb+srv:'], 'mongodb:// or mongodb+srv://'),
};

export const secretsEnv = {
  SECRETS_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]+:[A-Za-z0-9+/=_-]+(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=_-]+)*$/,
      'comma-separated keyId:base64key pairs, the current key first',
    )
    .describe('comma-separated keyId:base64(32 bytes) pairs, the current key first'),
};

export const microsoftEnv = {
  MICROSOFT_LOGIN_URL: url(['https:'], 'https')
    .default('https://login.microsoftonline.com')
    .describe('the identity platform base URL (an https URL)'),
  MICROSOFT_GRAPH_URL: url(['https:'], 'https')
    .default('https://graph.microsoft.com/v1.0')
    .describe('the Microsoft Graph base URL with version (an https URL)'),
};

/** A duration setting in whole seconds (>= 0), its default given in milliseconds, described for the start-up error. */
export const wholeSeconds = (defaultMs: number, what: string) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .default(Math.round(defaultMs / 1000))
    .describe(`${what} (whole seconds >= 0)`);

/**
 * Push (Graph change notifications): the https base URL at which Microsoft reaches the gateway's
 * /v1/graph/notifications and /v1/graph/lifecycle. Empty or unset: push is off and every mailbox is polled.
 */
export const pushEnv = {
  PUSH_PUBLIC_URL: z
    .string()
    .default('')
    .transform((v) => v.trim().replace(/\/+$/, ''))
    .refine((v) => {
      if (v === '') return true;
      try {
        return new URL(v).protocol === 'https:';
      } catch {
        return false;
      }
    }, 'must be empty (push off) or an https URL (Microsoft only posts notifications to https)')
    .transform((v) => (v === '' ? null : v))
    .describe(
      'the https base URL Microsoft posts change notifications to (the gateway, e.g. https://connect.example.com); empty = push off, every mailbox polled',
    ),
};
