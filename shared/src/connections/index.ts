export { defaultNextRefreshAt, grantIdentity, GrantIdentityError, type GrantIdentity } from './grant-identity';
export { recordGrant, type RecordGrantInput, type RecordGrantResult } from './record-grant';
export { clientSecretContext, codeVerifierContext, tokenContext } from './secret-contexts';
