// The Microsoft edge: everything that talks to the identity platform or Graph, and the one error classifier.
export * from './scope-presets';
export { FAILURE_KIND, type MicrosoftFailure, type MicrosoftFailureCode, type MicrosoftFailureKind } from './failure';
export { classifyMicrosoftError, type ClassifyOptions } from './classify';
export { remediationFor, type RemediationCode, type ConsentOnlyCode } from './remediation';
export { parseRetryAfter } from './retry-after';
export { MicrosoftHttpError, GraphTransportError, GraphAccessTokenError } from './errors';
export {
  classifyConsentError,
  consentFailure,
  adminConsentUrl,
  aadstsFromDescription,
  type ConsentFailure,
  type ConsentFailureCode,
  type ConsentCallbackError,
  type AdminConsentUrlInput,
} from './consent-errors';
export {
  createMsalClient,
  MAILBOX_ADDRESS_SCOPE,
  buildAuthorizeUrl,
  redeemCode,
  refreshWithToken,
  authorityFor,
  knownAuthoritiesFor,
  type MsalAppOptions,
  type MicrosoftEdgeLogger,
  type AuthorizePrompt,
  type AuthorizeUrlRequest,
  type AuthorizeUrl,
  type RedeemCodeRequest,
  type RefreshRequest,
  type MicrosoftTokens,
  type MicrosoftIdTokenClaims,
} from './msal-client';
export { createGraphClient, splitGraphUrl, type GraphClientOptions } from './graph-client';
export {
  IMMUTABLE_ID_PREFERENCE,
  ImmutableIdHandler,
  applyImmutableIdPreference,
  preferImmutableIds,
} from './immutable-ids';
