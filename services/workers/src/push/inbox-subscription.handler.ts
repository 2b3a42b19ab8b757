import { keepInboxSubscription } from '@outlook-connect/mailbox-runtime';
import { handlerFor, postpone } from '@outlook-connect/queues';
import type { WorkerDeps } from '../worker-deps';
import { DEFAULT_PUSH_POLICY, type PushPolicy } from './push-policy';

export type PushDeps = WorkerDeps & { pushPolicy?: PushPolicy };

export function pushPolicyOf(deps: PushDeps): PushPolicy {
  return deps.pushPolicy ?? DEFAULT_PUSH_POLICY;
}

/**
 * The `inbox-subscription` queue: each job keeps one connection's subscription. A run ends by delaying its own job to
 * the next renewal (or retry); it completes when the connection no longer wants one.
 */
export const inboxSubscriptionRegistration = (deps: PushDeps) => {
  const policy = pushPolicyOf(deps);
  return handlerFor(
    'inbox-subscription',
    async (payload, ctx) => {
      const outcome = await keepInboxSubscription(deps, payload.connectionId, policy);
      if (outcome.kind === 'stopped') return { stopped: outcome.reason };
      ctx.log.debug({ did: outcome.did, atMs: outcome.atMs }, 'inbox subscription run done');
      throw await postpone(ctx, outcome.atMs);
    },
    5,
  );
};
