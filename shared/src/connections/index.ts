export { defaultNextRefreshAt, grantIdentity, GrantIdentityError, mailboxAddressOf, type GrantIdentity } from './grant-identity';
export { recordGrant, type RecordGrantInput, type RecordGrantResult, type ReconnectGrantInput, type RecordGrantMismatch } from './record-grant';
export { clientSecretContext, codeVerifierContext, tokenContext } from './secret-contexts';
