import type { FaultSpec } from '../faults/faults';
import type { LimitsConfig } from '../graph/limits';
import type { DeliverInput } from '../mailbox/mail-service';
import type { NotificationControl } from '../notifications/notification-control';
import type { CountersSnapshot, TokenGrantEntry } from '../observe/counters';
import type { RequestLogEntry } from '../observe/request-log';
import type { CreateAppInput, CreateTenantInput, CreateUserInput, SecretInput } from '../state/directory';
import type { ConsentPolicy, SignInAudience, UserBehavior } from '../state/model';

export interface TenantInfo {
  id: string;
  domain: string;
  name: string;
}
export interface UserInfo {
  id: string;
  tenantId: string;
  email: string;
  upn: string;
  mail: string | null;
  displayName: string;
  autoConsent: boolean;
  admin: boolean;
}
export interface SecretInfo {
  id: string;
  value: string;
  expiresAt: string;
}
export interface AppInfo {
  clientId: string;
  name: string;
  homeTenantId: string;
  signInAudience: SignInAudience;
  multiTenant: boolean;
  redirectUris: string[];
  secrets: SecretInfo[];
}
export interface DirectoryInfo {
  tenants: TenantInfo[];
  users: UserInfo[];
  apps: AppInfo[];
}
export type GraphJson = Record<string, unknown>;

export interface MessageTemplate {
  from?: string;
  subject?: string;
  body?: string;
  /** Spacing of receivedDateTime going back from now (default 60 s): message i is received `now - i * spacing`. */
  spacingSec?: number;
}

export interface IssuedRefreshToken {
  refreshToken: string;
  userId: string;
  tenantId: string;
  scopes: string[];
}

/**
 * accessTokenSec fixes the access-token lifetime (default: random 3600-5400 s, like Microsoft's 60-90 minutes);
 * with accessTokenMaxSec too, lifetimes are random in [accessTokenSec, accessTokenMaxSec].
 */
export interface TokenLifetimes {
  accessTokenSec?: number;
  accessTokenMaxSec?: number;
  refreshTokenInactivitySec?: number;
  codeSec?: number;
}

/** The emulator's control surface, in process (`emu.control`) and over HTTP (`/_emulator/<name>`). */
export interface EmulatorControl extends NotificationControl {
  createTenant(input?: CreateTenantInput): TenantInfo;
  createUser(input: CreateUserInput): UserInfo;
  createApp(input: CreateAppInput): AppInfo;
  deleteApp(clientId: string): void;
  /** Replaces the app's registered redirect URIs (the portal's Authentication page). */
  setRedirectUris(clientId: string, redirectUris: string[]): AppInfo;
  /** Everything registered: lets a seed find what a persisted state already holds. */
  directory(): DirectoryInfo;
  addSecret(clientId: string, input?: SecretInput): SecretInfo;
  expireSecret(clientId: string, secretId?: string): void;
  removeSecret(clientId: string, secretId: string): void;
  /** adminConsentWorkflow: users asking for admin-only permissions may request approval (AADSTS90095 instead of 90094). */
  setConsentPolicy(
    tenantId: string,
    policy: ConsentPolicy,
    adminOnlyScopes?: string[],
    adminConsentWorkflow?: boolean,
  ): void;
  grantAdminConsent(tenantId: string, clientId: string, scopes?: string[]): void;
  setUserBehavior(email: string, behavior: UserBehavior): void;
  revokeGrants(email: string): void;
  expireRefreshTokens(email: string): void;
  revokeConsent(email: string, clientId: string): void;
  /**
   * A refresh token for the user and app as if the user had consented to `scopes` and signed in earlier (their
   * consent is recorded): seeds many connections without running the browser flow for each. Needs offline_access.
   */
  issueRefreshToken(email: string, clientId: string, scopes: string[]): IssuedRefreshToken;
  deliverMessage(email: string, input: DeliverInput): GraphJson;
  deliverMessages(email: string, count: number, template?: MessageTemplate): string[];
  updateMessage(email: string, id: string, patch: GraphJson): GraphJson;
  deleteMessage(email: string, id: string): void;
  listMessages(email: string, folder?: string): GraphJson[];
  sentItems(email: string): GraphJson[];
  /** Messages submitted (202) and not yet in Sent Items / the recipients' Inboxes. */
  inTransit(): number;
  /** Transport delay from now on: a fixed ms or random in [minMs, maxMs] (0 = lands at the next request). */
  setSendDelay(delay: number | { minMs?: number; maxMs?: number }): void;
  events(email: string): GraphJson[];
  /** Every delta token and skip token of the mailbox stops working: 410 + Location by default, or `status` with `code`. */
  invalidateDeltaTokens(email: string, code?: 'syncStateNotFound' | 'resyncRequired', status?: 400 | 404 | 410): void;
  /** Exchange's per-mailbox settings: the filtered-delta cap (5,000) and the maximum message size (35 MB, up to 150 MB). */
  setMailboxSettings(email: string, settings: MailboxSettings): void;
  replayDeltaPage(email: string): void;
  counters(): CountersSnapshot;
  resetCounters(): void;
  /** Token grants since the last counters reset, oldest first, with the expiry of the access token each issued. */
  grantLog(email?: string): TokenGrantEntry[];
  injectFault(spec: FaultSpec): string;
  removeFault(id: string): void;
  clearFaults(): void;
  setLimits(limits: Partial<LimitsConfig>): void;
  setTokenLifetimes(lifetimes: TokenLifetimes): void;
  advanceClock(ms: number): void;
  requestLog(email?: string): RequestLogEntry[];
  reset(): void;
}

export interface MailboxSettings {
  deltaFilterCap?: number;
  maxMessageSizeBytes?: number;
}
