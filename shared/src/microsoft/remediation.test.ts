import { FAILURE_KIND, type MicrosoftFailureCode } from './failure';
import { remediationFor } from './remediation';

describe('remediationFor', () => {
  it('has plain text for every failure code', () => {
    for (const code of Object.keys(FAILURE_KIND) as MicrosoftFailureCode[]) {
      expect(remediationFor(code).length).toBeGreaterThan(20);
    }
  });

  it('uses the user guide wording for an expired client secret', () => {
    expect(remediationFor('client_secret_expired')).toContain(
      'Create a new secret in Azure Portal > App registrations > [your app] > Certificates & secrets, then update it in Settings > OAuth Apps. Existing connections may need to reconnect once.',
    );
  });

  it('uses the user guide wording for consent and admin consent', () => {
    expect(remediationFor('consent_required')).toContain('Retry the flow');
    expect(remediationFor('admin_consent_required')).toContain('API permissions > Grant admin consent for [tenant]');
  });
});
