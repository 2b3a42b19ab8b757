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

/** Seeds a sandbox tenant (Contoso) with users and mail, a second tenant (Fabrikam), and one multi-tenant app. */
export function seedSandbox(control: EmulatorControl, opts: SandboxSeedOptions = {}): SandboxSeed {
  const tenant = control.createTenant({ id: SANDBOX_TENANT_ID, domain: 'contoso.onmicrosoft.com', name: 'Contoso (sandbox)' });
  const otherTenant = control.createTenant({ id: SANDBOX_OTHER_TENANT_ID, domain: 'fabrikam.onmicrosoft.com', name: 'Fabrikam (sandbox)' });
  const users = [
    control.createUser({ tenantId: tenant.id, email: 'alex@contoso.onmicrosoft.com', displayName: 'Alex Wilber' }),
    control.createUser({ tenantId: tenant.id, email: 'megan@contoso.onmicrosoft.com', displayName: 'Megan Bowen', autoConsent: true }),
    control.createUser({ tenantId: otherTenant.id, email: 'lee@fabrikam.onmicrosoft.com', displayName: 'Lee Gu' }),
  ];
  const app = control.createApp({
    name: opts.appName ?? 'outlook-connect sandbox',
    homeTenantId: tenant.id,
    multiTenant: true,
    redirectUris: opts.redirectUris ?? ['http://localhost:3000/oauth/callback'],
  });
  for (const user of users) {
    control.deliverMessage(user.email, {
      from: { address: 'welcome@northwind.example', name: 'Northwind Traders' },
      subject: 'Welcome to the sandbox mailbox',
      body: `Hi ${user.displayName}, this message was delivered by the Microsoft emulator.`,
    });
    control.deliverMessages(user.email, 5, { from: 'updates@northwind.example', subject: 'Northwind update', spacingSec: 3600 });
  }
  const secret = app.secrets[0];
  if (!secret) throw new Error('sandbox app has no secret');
  return { tenant, otherTenant, users, app, clientId: app.clientId, clientSecret: secret.value };
}
