import { guid, opaque } from '../util/ids';
import type { App, AppSecret, ConsentPolicy, SignInAudience, Tenant, User, UserBehavior } from './model';

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (value: string): boolean => GUID_RE.test(value);

const DAY_MS = 24 * 3600_000;

export interface CreateTenantInput {
  id?: string;
  domain?: string;
  name?: string;
}
export interface CreateUserInput {
  tenantId: string;
  email: string;
  displayName?: string;
  autoConsent?: boolean;
  /** Sign-in name (default: email). */
  upn?: string;
  /** Primary SMTP address (default: email); null for a user without a mailbox. */
  mail?: string | null;
  /** preferred_username claim (default: the UPN). */
  preferredUsername?: string;
  admin?: boolean;
}
export interface SecretInput {
  value?: string;
  expiresAt?: number | string;
}
export interface CreateAppInput {
  name: string;
  clientId?: string;
  homeTenantId?: string;
  /** Shorthand: false = AzureADMyOrg, true = AzureADMultipleOrgs. signInAudience wins when both are given. */
  multiTenant?: boolean;
  signInAudience?: SignInAudience;
  redirectUris: string[];
  secrets?: SecretInput[];
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

const toMs = (value: number | string | undefined, fallback: number): number =>
  value === undefined ? fallback : typeof value === 'number' ? value : Date.parse(value);

/** Tenants, users and app registrations. */
export class Directory {
  readonly tenants = new Map<string, Tenant>();
  readonly users = new Map<string, User>();
  readonly apps = new Map<string, App>();
  private readonly usersByEmail = new Map<string, User>();

  constructor(private readonly now: () => number) {}

  createTenant(input: CreateTenantInput = {}): Tenant {
    const id = input.id ?? guid();
    const domain = (input.domain ?? `tenant-${id.slice(0, 8)}.onmicrosoft.com`).toLowerCase();
    const tenant: Tenant = {
      id,
      domain,
      name: input.name ?? domain,
      consentPolicy: 'user',
      adminOnlyScopes: [],
      adminConsents: new Map(),
      adminConsentWorkflow: false,
    };
    this.tenants.set(id, tenant);
    return tenant;
  }

  tenant(id: string): Tenant {
    const tenant = this.tenants.get(id);
    if (!tenant) throw new NotFoundError(`tenant ${id} not found`);
    return tenant;
  }

  /** Tenant by GUID or verified domain (case-insensitive). */
  findTenant(idOrDomain: string): Tenant | undefined {
    const lower = idOrDomain.toLowerCase();
    for (const tenant of this.tenants.values()) {
      if (tenant.id.toLowerCase() === lower || tenant.domain === lower) return tenant;
    }
    return undefined;
  }

  createUser(input: CreateUserInput): User {
    const tenant = this.tenant(input.tenantId);
    const email = input.email.toLowerCase();
    const upn = (input.upn ?? email).toLowerCase();
    if ([email, upn, input.mail?.toLowerCase()].some((k) => k && this.usersByEmail.has(k)))
      throw new Error(`user ${email} already exists`);
    const user: User = {
      id: guid(),
      tenantId: tenant.id,
      email,
      upn,
      mail: input.mail === null ? null : (input.mail ?? email),
      preferredUsername: input.preferredUsername ?? upn,
      admin: input.admin ?? false,
      displayName: input.displayName ?? email.split('@')[0] ?? email,
      autoConsent: input.autoConsent ?? false,
      behavior: {},
      revokedBeforeSerial: 0,
      expiredBeforeSerial: 0,
      consents: new Map(),
    };
    this.users.set(user.id, user);
    this.usersByEmail.set(email, user);
    // Microsoft signs users in by UPN; the emulator accepts its handle too.
    this.usersByEmail.set(upn, user);
    if (user.mail) this.usersByEmail.set(user.mail.toLowerCase(), user);
    return user;
  }

  findUserByEmail(email: string): User | undefined {
    return this.usersByEmail.get(email.trim().toLowerCase());
  }

  userByEmail(email: string): User {
    const user = this.findUserByEmail(email);
    if (!user) throw new NotFoundError(`user ${email} not found`);
    return user;
  }

  user(id: string): User | undefined {
    return this.users.get(id);
  }

  setUserBehavior(email: string, behavior: UserBehavior): User {
    const user = this.userByEmail(email);
    user.behavior = { ...user.behavior, ...behavior };
    return user;
  }

  setConsentPolicy(
    tenantId: string,
    policy: ConsentPolicy,
    adminOnlyScopes?: string[],
    adminConsentWorkflow?: boolean,
  ): void {
    const tenant = this.tenant(tenantId);
    tenant.consentPolicy = policy;
    if (adminOnlyScopes) tenant.adminOnlyScopes = adminOnlyScopes;
    if (adminConsentWorkflow !== undefined) tenant.adminConsentWorkflow = adminConsentWorkflow;
  }

  createApp(input: CreateAppInput): App {
    const clientId = input.clientId ?? guid();
    if (this.apps.has(clientId)) throw new Error(`app ${clientId} already exists`);
    const homeTenantId = input.homeTenantId ?? this.tenants.keys().next().value ?? this.createTenant().id;
    const audience: SignInAudience =
      input.signInAudience ?? (input.multiTenant === false ? 'AzureADMyOrg' : 'AzureADMultipleOrgs');
    const app: App = {
      clientId,
      name: input.name,
      homeTenantId,
      signInAudience: audience,
      multiTenant: audience !== 'AzureADMyOrg',
      redirectUris: [...input.redirectUris],
      secrets: [],
    };
    for (const secret of input.secrets ?? [{}]) this.addSecret(app, secret);
    this.apps.set(clientId, app);
    return app;
  }

  app(clientId: string): App {
    const app = this.apps.get(clientId);
    if (!app) throw new NotFoundError(`app ${clientId} not found`);
    return app;
  }

  deleteApp(clientId: string): void {
    this.apps.delete(clientId);
  }

  addSecret(app: App, input: SecretInput = {}): AppSecret {
    // Microsoft secret values are 40 chars with a 3-char hint prefix, and look nothing like the secret id.
    const value = input.value ?? `${opaque(3).slice(0, 3)}8Q~${opaque(27).slice(0, 34)}`;
    const secret: AppSecret = {
      id: guid(),
      value,
      hint: value.slice(0, 3),
      expiresAt: toMs(input.expiresAt, this.now() + 180 * DAY_MS),
    };
    app.secrets.push(secret);
    return secret;
  }

  expireSecret(clientId: string, secretId?: string): void {
    const app = this.app(clientId);
    const past = this.now() - 1000;
    for (const secret of app.secrets) if (!secretId || secret.id === secretId) secret.expiresAt = past;
  }

  removeSecret(clientId: string, secretId: string): void {
    const app = this.app(clientId);
    app.secrets = app.secrets.filter((s) => s.id !== secretId);
  }

  /** Fields added after a state file was written get their defaults (a sandbox state survives upgrades). */
  backfill(): void {
    for (const tenant of this.tenants.values()) tenant.adminConsentWorkflow ??= false;
    for (const user of this.users.values()) {
      user.upn ??= user.email;
      if (user.mail === undefined) user.mail = user.email;
      user.preferredUsername ??= user.upn;
      user.admin ??= false;
    }
    for (const app of this.apps.values())
      app.signInAudience ??= app.multiTenant ? 'AzureADMultipleOrgs' : 'AzureADMyOrg';
  }
}
