import { faultMatches, Faults } from './faults';

describe('faultMatches', () => {
  it('matches method (any case) and the path regex', () => {
    expect(faultMatches({ path: '/me/sendMail$' }, 'POST', '/v1.0/me/sendMail', 0)).toBe(true);
    expect(faultMatches({ method: 'post', path: 'sendMail' }, 'POST', '/v1.0/me/sendMail', 0)).toBe(true);
    expect(faultMatches({ method: 'GET', path: 'sendMail' }, 'POST', '/v1.0/me/sendMail', 0)).toBe(false);
    expect(faultMatches({ path: '^/v1.0/me$' }, 'GET', '/v1.0/me/messages', 0)).toBe(false);
  });

  it('applies the rate to the roll', () => {
    expect(faultMatches({ path: '.', rate: 0.3 }, 'GET', '/x', 0.29)).toBe(true);
    expect(faultMatches({ path: '.', rate: 0.3 }, 'GET', '/x', 0.3)).toBe(false);
    expect(faultMatches({ path: '.', rate: 0 }, 'GET', '/x', 0)).toBe(false);
  });
});

describe('Faults', () => {
  it('consumes `times` and then forgets the fault', () => {
    const faults = new Faults(() => 0);
    faults.add({ path: 'token', status: 503, times: 2 });
    expect(faults.take('POST', '/common/oauth2/v2.0/token')?.status).toBe(503);
    expect(faults.take('POST', '/common/oauth2/v2.0/token')?.status).toBe(503);
    expect(faults.take('POST', '/common/oauth2/v2.0/token')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('keeps faults without times, first match wins, clear removes all', () => {
    const faults = new Faults(() => 0);
    const first = faults.add({ path: 'me', status: 500 });
    faults.add({ path: 'me', status: 503 });
    expect(faults.take('GET', '/v1.0/me')?.id).toBe(first);
    expect(faults.take('GET', '/v1.0/me')?.hits).toBe(2);
    faults.clear();
    expect(faults.take('GET', '/v1.0/me')).toBeUndefined();
  });

  it('refuses an invalid pattern', () => {
    expect(() => new Faults().add({ path: '(', status: 500 })).toThrow();
  });
});
