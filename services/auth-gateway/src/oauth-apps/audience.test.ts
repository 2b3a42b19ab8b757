import { appTenantOf, tenantRefusal } from './audience';

describe('tenantRefusal', () => {
  it('refuses common, organizations and consumers for a single-tenant app, naming its tenant', () => {
    for (const t of ['common', 'Organizations', 'consumers']) {
      expect(tenantRefusal('single_tenant', t, 'contoso.example')).toMatchObject({
        code: 'app_single_tenant',
        reason: expect.stringMatching(
          /^this app is single-tenant: use your tenant id \(contoso\.example\) instead of /,
        ),
        remediation: expect.stringContaining('(contoso.example)'),
      });
    }
    expect(tenantRefusal('single_tenant', 'common')?.reason).toContain('Directory (tenant) ID');
  });

  it('lets a single-tenant app use a specific tenant, and unknown or multi-tenant apps use common', () => {
    expect(tenantRefusal('single_tenant', '3f1e0c4a-1b2c-4d5e-8f90-123456789abc')).toBeNull();
    expect(tenantRefusal(null, 'common')).toBeNull();
    expect(tenantRefusal('multi_tenant', 'common')).toBeNull();
    expect(tenantRefusal('multi_tenant_and_personal', 'consumers')).toBeNull();
  });

  it('refuses consumers for an organizations-only multi-tenant app', () => {
    expect(tenantRefusal('multi_tenant', 'consumers')?.code).toBe('app_not_for_personal_accounts');
  });

  it('only a specific default tenant is the app tenant', () => {
    expect(appTenantOf('common')).toBeUndefined();
    expect(appTenantOf('contoso.example')).toBe('contoso.example');
  });
});
