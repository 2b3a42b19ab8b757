import { DEFAULT_SUBSCRIPTION_POLICY, type PushSettings } from '@outlook-connect/mailbox-runtime';
import { parseEnv, pushEnv } from '@outlook-connect/shared';
import { z } from 'zod';

// Push's knobs, parsed once from the environment: where Microsoft reaches the gateway, and how slowly a mailbox with
// healthy push is still polled.

const positiveInt = (def: number, what: string) => z.coerce.number().int().positive().default(def).describe(what);

export const pushWorkerEnv = {
  ...pushEnv,
  INBOX_PUSH_SAFETY_POLL_SEC: positiveInt(
    900,
    'seconds between two safety syncs of a mailbox whose push is healthy (a positive integer; default 900 = 15 min)',
  ),
  PUSH_SUBSCRIPTION_LIFETIME_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_075)
    .default(10_075)
    .describe("minutes a subscription is asked to live (1-10075; Graph's maximum for Outlook messages is 10,080)"),
  PUSH_RENEW_BEFORE_MIN: positiveInt(
    3 * 24 * 60,
    'minutes before expiry a subscription is renewed (at most half its remaining life; default 4320 = 3 days)',
  ),
  PUSH_SWEEP_EVERY_SEC: positiveInt(
    300,
    'seconds between two subscription sweeps that heal the schedule from the store',
  ),
};

export interface PushPolicy extends PushSettings {
  /** With healthy push a mailbox is still polled, this slowly (never faster than INBOX_POLL_INTERVAL_SEC). */
  safetyPollMs: number;
  sweepEveryMs: number;
  /** With push off, the subscription records a sweep puts back per pass (their jobs remove them). */
  sweepPageSize: number;
}

export const DEFAULT_PUSH_POLICY: PushPolicy = {
  publicUrl: null,
  subscription: DEFAULT_SUBSCRIPTION_POLICY,
  safetyPollMs: 900_000,
  sweepEveryMs: 300_000,
  sweepPageSize: 5_000,
};

export function pushPolicyFromEnv(env: NodeJS.ProcessEnv): PushPolicy {
  return pushPolicyFromConfig(parseEnv('workers (push)', pushWorkerEnv, env));
}

export function pushPolicyFromConfig(e: z.infer<z.ZodObject<typeof pushWorkerEnv>>): PushPolicy {
  return {
    publicUrl: e.PUSH_PUBLIC_URL,
    subscription: {
      ...DEFAULT_SUBSCRIPTION_POLICY,
      lifetimeMs: e.PUSH_SUBSCRIPTION_LIFETIME_MIN * 60_000,
      renewBeforeMs: e.PUSH_RENEW_BEFORE_MIN * 60_000,
    },
    safetyPollMs: e.INBOX_PUSH_SAFETY_POLL_SEC * 1000,
    sweepEveryMs: e.PUSH_SWEEP_EVERY_SEC * 1000,
    sweepPageSize: DEFAULT_PUSH_POLICY.sweepPageSize,
  };
}
