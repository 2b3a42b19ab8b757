export { inboxSubscriptionRegistration, pushPolicyOf, type PushDeps } from './inbox-subscription.handler';
export { pollIntervalMs } from './poll-interval';
export {
  DEFAULT_PUSH_POLICY,
  pushPolicyFromConfig,
  pushPolicyFromEnv,
  pushWorkerEnv,
  type PushPolicy,
} from './push-policy';
export { subscriptionSweep, type SubscriptionSweepResult } from './subscription-sweep';
