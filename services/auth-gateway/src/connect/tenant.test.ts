import { isSpecificTenant, tenantSchema } from './tenant';

describe('tenantSchema', () => {
  it('accepts common, a GUID or a domain', () => {
    expect(tenantSchema.parse('Common')).toBe('common');
    expect(tenantSchema.parse('11111111-2222-3333-4444-555555555555')).toBe('11111111-2222-3333-4444-555555555555');
    expect(tenantSchema.parse('contoso.onmicrosoft.com')).toBe('contoso.onmicrosoft.com');
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'contoso', '../x', 'a b.com', 'https://x.com'])
      expect(tenantSchema.safeParse(bad).success).toBe(false);
  });

  it('tells specific tenants from multi-tenant ones', () => {
    expect(isSpecificTenant('common')).toBe(false);
    expect(isSpecificTenant('contoso.example')).toBe(true);
  });
});
