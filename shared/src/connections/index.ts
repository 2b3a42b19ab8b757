export {
  defaultNextRefreshAt,
  grantIdentity,
  GrantIdentityError,
  mailboxAddressOf,
  type GrantIdentity,
} from './grant-identity';
export {
  clientSecretContext,
  clientStateContext,
  codeVerifierContext,
  tokenContext,
  webhookSecretContext,
} from './secret-contexts';
export { pushHealth, type PushHealth } from './push-health';
