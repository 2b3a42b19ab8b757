/** Directory and grant records the emulated identity platform keeps in memory. */
export type ConsentPolicy = 'user' | 'admin_required';
export type SignInAudience = 'AzureADMyOrg' | 'AzureADMultipleOrgs' | 'AzureADandPersonalMicrosoftAccount';

export interface Tenant {
  id: string;
  domain: string;
  name: string;
  consentPolicy: ConsentPolicy;
  /** Graph permissions only an admin may consent to in this tenant. */
  adminOnlyScopes: string[];
  /** clientId -> scopes consented by an admin for the whole tenant (undefined = all requested). */
  adminConsents: Map<string, string[] | undefined>;
  /** The admin consent workflow is on: users asking for admin-only permissions get the request form (AADSTS90095). */
  adminConsentWorkflow: boolean;
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
  /** The emulator's handle for the user (control API, login_hint); the mailbox address unless `mail` says otherwise. */
  email: string;
  /** userPrincipalName: the sign-in name; may differ from the mailbox address. */
  upn: string;
  /** Primary SMTP address (Graph `mail`, the `email` claim); null when the user has no mailbox. */
  mail: string | null;
  /** The id token's `preferred_username`: the UPN by default, or e.g. a phone number. */
  preferredUsername: string;
  /** May grant tenant-wide admin consent. */
  admin: boolean;
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
  /** Supported account types of the registration (manifest `signInAudience`). */
  signInAudience: SignInAudience;
  /** signInAudience is not AzureADMyOrg (kept for callers of the older field). */
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
