import { isAllowedReturnUrl, withOutcome } from './return-url';

describe('isAllowedReturnUrl', () => {
  const list = ['https://crm.example.com', 'https://other.example.com/settings/', 'http://localhost:3000'];

  it('accepts an allowed origin, any path', () => {
    expect(isAllowedReturnUrl('https://crm.example.com/settings/email?x=1', list)).toBe(true);
    expect(isAllowedReturnUrl('http://localhost:3000/', list)).toBe(true);
  });

  it('restricts the path when the entry has one', () => {
    expect(isAllowedReturnUrl('https://other.example.com/settings/email', list)).toBe(true);
    expect(isAllowedReturnUrl('https://other.example.com/admin', list)).toBe(false);
  });

  it('refuses other origins, look-alikes, credentials, plain http and junk', () => {
    expect(isAllowedReturnUrl('https://crm.example.com.evil.test/', list)).toBe(false);
    expect(isAllowedReturnUrl('https://evil@crm.example.com/', list)).toBe(false);
    expect(isAllowedReturnUrl('http://crm.example.com/', list)).toBe(false);
    expect(isAllowedReturnUrl('javascript:alert(1)', list)).toBe(false);
    expect(isAllowedReturnUrl('not a url', list)).toBe(false);
    expect(isAllowedReturnUrl('https://crm.example.com/', [])).toBe(false);
  });
});

describe('withOutcome', () => {
  it('adds the outcome to the query, keeping what is there', () => {
    expect(withOutcome('https://crm.example.com/s?tab=email', { status: 'connected', connectionId: 'conn_1' })).toBe(
      'https://crm.example.com/s?tab=email&status=connected&connectionId=conn_1',
    );
  });
});
