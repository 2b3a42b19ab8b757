export {
  checkWebhookUrl,
  parseAllowList,
  refusedAddress,
  type PrivateHostAllowList,
  type UrlCheck,
} from './address-policy';
export { checkedLookup, refusedHost, WebhookAddressRefusedError } from './resolve-checked';
export { generateWebhookSecret } from './signing-secret';
export { webhookEnv } from './webhook-env';
