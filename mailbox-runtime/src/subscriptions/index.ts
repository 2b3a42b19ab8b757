export { clientStateMatches, newClientState } from './client-state';
export {
  keepInboxSubscription,
  removeInboxSubscription,
  type PushSettings,
  type SubscriptionDeps,
  type SubscriptionOutcome,
} from './keep-subscription';
export { pushUrls, type PushUrls } from './subscription-graph';
export * from './subscription-policy';
export {
  checkNotification,
  findSubscription,
  markPending,
  recordCreated,
  recordNotification,
  type NotificationCheck,
} from './subscription-store';
