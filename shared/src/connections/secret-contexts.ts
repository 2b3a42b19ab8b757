// SecretBox contexts bind each ciphertext to its record and field, so a value cannot be moved elsewhere.

export const tokenContext = (connectionId: string, field: 'accessToken' | 'refreshToken'): string =>
  `connection:${connectionId}:${field}`;

export const clientSecretContext = (appId: string): string => `oauth-app:${appId}:clientSecret`;

export const codeVerifierContext = (attemptId: string): string => `connect-attempt:${attemptId}:codeVerifier`;

export const webhookSecretContext = (endpointId: string, field: 'secret' | 'previousSecret'): string =>
  `webhook-endpoint:${endpointId}:${field}`;

/** A Graph subscription's clientState, bound to its connection and subscription id (a copy under another is refused). */
export const clientStateContext = (connectionId: string, subscriptionKey: string): string =>
  `inbox-subscription:${connectionId}:${subscriptionKey}:clientState`;
