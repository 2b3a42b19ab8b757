/** Directory and grant records the emulated identity platform keeps in memory. */
export type ConsentPolicy = 'user' | 'admin_required';

export interface Tenant {
  id: string;
  domain: string;
  name: string;
  consentPolicy: ConsentPolicy;
  /** Graph permissions only an admin may consent to in this tenant. */
  adminOnlyScopes: string[];
  /** clientId -> scopes consented by an admin for the whole tenant (undefined = all requested). */
  adminConsents: Map<string, string[] | undefined>;
}

export interface UserBehavior {
  declineConsent?: boolean;
  withholdScopes?: string[];
  requireMfa?: boolean;
  disabled?: boolean;
  conditionalAccessBlock?: boolean;
}

export interface User {
  id: string; // oid
  tenantId: string;
  email: string;
  displayName: string;
  autoConsent: boolean;
  behavior: UserBehavior;
  /** Refresh tokens with a serial below this are revoked (AADSTS50173). */
  revokedBeforeSerial: number;
  revokedAt?: number;
  /** Refresh tokens with a serial below this have expired (AADSTS700082). */
  expiredBeforeSerial: number;
  /** clientId -> Graph permissions the user consented to. */
  consents: Map<string, string[]>;
}

export interface AppSecret {
  id: string;
  value: string;
  hint: string;
  expiresAt: number; // ms epoch
}

export interface App {
  clientId: string;
  name: string;
  homeTenantId: string;
  multiTenant: boolean;
  redirectUris: string[];
  secrets: AppSecret[];
}

export interface AuthCode {
  code: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  graphScopes: string[];
  oidcScopes: string[];
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  createdAt: number;
  redeemed: boolean;
  mfa: boolean;
}

export interface RefreshTokenRecord {
  token: string;
  serial: number;
  clientId: string;
  userId: string;
  graphScopes: string[];
  oidcScopes: string[];
  issuedAt: number;
  mfa: boolean;
}
