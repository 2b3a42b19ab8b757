export { defaultNextRefreshAt, grantIdentity, GrantIdentityError, mailboxAddressOf, type GrantIdentity } from './grant-identity';
export { clientSecretContext, codeVerifierContext, tokenContext } from './secret-contexts';
