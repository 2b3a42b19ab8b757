export { defaultNextRefreshAt, grantIdentity, GrantIdentityError, type GrantIdentity } from './grant-identity';
export { recordGrant, tokenContext, type RecordGrantInput, type RecordGrantResult } from './record-grant';
