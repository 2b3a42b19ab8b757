import { Directory } from './directory';

describe('Directory', () => {
  it('keeps the sign-in name, the mailbox address and preferred_username apart, and finds the user by any of them', () => {
    const d = new Directory(() => 0);
    const t = d.createTenant({ domain: 'contoso.example' });
    const u = d.createUser({
      tenantId: t.id,
      email: 'Pat@Contoso.Example',
      upn: 'psmith01@contoso.example',
      preferredUsername: '+14255550100',
    });
    expect(u).toMatchObject({
      email: 'pat@contoso.example',
      upn: 'psmith01@contoso.example',
      mail: 'pat@contoso.example',
      preferredUsername: '+14255550100',
      admin: false,
    });
    expect(d.findUserByEmail('PSMITH01@contoso.example')).toBe(u);
    expect(() =>
      d.createUser({ tenantId: t.id, email: 'other@contoso.example', upn: 'psmith01@contoso.example' }),
    ).toThrow('already exists');
    expect(d.createUser({ tenantId: t.id, email: 'nomail@contoso.example', mail: null }).mail).toBeNull();
  });

  it('an app is multi-tenant unless told otherwise; multiTenant: false is AzureADMyOrg', () => {
    const d = new Directory(() => 0);
    expect(d.createApp({ name: 'a', redirectUris: [] }).signInAudience).toBe('AzureADMultipleOrgs');
    expect(d.createApp({ name: 'b', multiTenant: false, redirectUris: [] })).toMatchObject({
      signInAudience: 'AzureADMyOrg',
      multiTenant: false,
    });
    expect(
      d.createApp({ name: 'c', signInAudience: 'AzureADandPersonalMicrosoftAccount', redirectUris: [] }).multiTenant,
    ).toBe(true);
  });

  it('backfills fields a state file written before them lacks', () => {
    const d = new Directory(() => 0);
    const t = d.createTenant({});
    const u = d.createUser({ tenantId: t.id, email: 'old@x.example' }) as unknown as Record<string, unknown>;
    const app = d.createApp({ name: 'old', multiTenant: false, redirectUris: [] }) as unknown as Record<
      string,
      unknown
    >;
    for (const k of ['upn', 'mail', 'preferredUsername', 'admin']) delete u[k];
    delete app.signInAudience;
    delete (t as unknown as Record<string, unknown>).adminConsentWorkflow;
    d.backfill();
    expect(u).toMatchObject({
      upn: 'old@x.example',
      mail: 'old@x.example',
      preferredUsername: 'old@x.example',
      admin: false,
    });
    expect(app.signInAudience).toBe('AzureADMyOrg');
    expect(t.adminConsentWorkflow).toBe(false);
  });
});
