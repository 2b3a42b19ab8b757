import type { AppInfo, EmulatorControl, TenantInfo, UserInfo } from '../control/types';

export interface SandboxSeed {
  tenant: TenantInfo;
  otherTenant: TenantInfo;
  users: UserInfo[];
  app: AppInfo;
  clientId: string;
  /** Secret value: write it somewhere private, never print it. */
  clientSecret: string;
}

export interface SandboxSeedOptions {
  redirectUris?: string[];
  appName?: string;
}

// Stable ids, so sandbox URLs and bookmarks survive restarts.
export const SANDBOX_TENANT_ID = '7c1f3e2a-5b4d-4c6e-8f90-1a2b3c4d5e6f';
export const SANDBOX_OTHER_TENANT_ID = '2d9e8f7a-6b5c-4d3e-9f10-a1b2c3d4e5f6';

const SANDBOX_USERS = [
  { tenant: 'contoso', email: 'alex@contoso.onmicrosoft.com', displayName: 'Alex Wilber', autoConsent: false },
  {
    tenant: 'contoso',
    email: 'megan@contoso.onmicrosoft.com',
    displayName: 'Megan Bowen',
    autoConsent: true,
    admin: true,
  },
  // Fabrikam's administrator: the one who can open the admin consent link (user guide, Admin Consent).
  { tenant: 'fabrikam', email: 'lee@fabrikam.onmicrosoft.com', displayName: 'Lee Gu', autoConsent: false, admin: true },
] as const;

/**
 * Seeds a sandbox tenant (Contoso) with users and mail, a second tenant (Fabrikam), and one multi-tenant app.
 * Idempotent: what a persisted emulator state already holds is reused (the app keeps its client id and secret, so
 * the product's stored credentials and refresh tokens stay valid); only what is missing is created.
 */
export function seedSandbox(control: EmulatorControl, opts: SandboxSeedOptions = {}): SandboxSeed {
  const known = control.directory();
  const tenantOf = (id: string, domain: string, name: string): TenantInfo =>
    known.tenants.find((t) => t.id === id) ?? control.createTenant({ id, domain, name });
  const tenant = tenantOf(SANDBOX_TENANT_ID, 'contoso.onmicrosoft.com', 'Contoso (sandbox)');
  const otherTenant = tenantOf(SANDBOX_OTHER_TENANT_ID, 'fabrikam.onmicrosoft.com', 'Fabrikam (sandbox)');
  const users = SANDBOX_USERS.map((u) => {
    const existing = known.users.find((k) => k.email === u.email);
    if (existing) return existing;
    const created = control.createUser({
      tenantId: u.tenant === 'contoso' ? tenant.id : otherTenant.id,
      email: u.email,
      displayName: u.displayName,
      autoConsent: u.autoConsent,
      ...('admin' in u ? { admin: u.admin } : {}),
    });
    control.deliverMessage(created.email, {
      from: { address: 'welcome@northwind.example', name: 'Northwind Traders' },
      subject: 'Welcome to the sandbox mailbox',
      body: `Hi ${created.displayName}, this message was delivered by the Microsoft emulator.`,
    });
    control.deliverMessages(created.email, 5, {
      from: 'updates@northwind.example',
      subject: 'Northwind update',
      spacingSec: 3600,
    });
    return created;
  });
  const name = opts.appName ?? 'outlook-connect sandbox';
  const redirectUris = opts.redirectUris ?? ['http://localhost:3000/oauth/callback'];
  const found = known.apps.find((a) => a.name === name && a.homeTenantId === tenant.id);
  const app = !found
    ? control.createApp({ name, homeTenantId: tenant.id, multiTenant: true, redirectUris })
    : redirectUris.every((u) => found.redirectUris.includes(u))
      ? found
      : control.setRedirectUris(found.clientId, [...new Set([...found.redirectUris, ...redirectUris])]);
  // An expired secret is rotated like a person would in the portal: the app (and its grants) stays.
  const secret =
    [...app.secrets].reverse().find((s) => Date.parse(s.expiresAt) > Date.now()) ?? control.addSecret(app.clientId);
  return { tenant, otherTenant, users, app, clientId: app.clientId, clientSecret: secret.value };
}
