import { judgeValidation, validationToken, validationUrl } from './handshake';

const token = validationToken();
const answered = (status: number, contentType: string, body: string) =>
  ({ kind: 'answered', status, contentType, body, durationMs: 5 }) as const;

describe('validation handshake', () => {
  it('appends the token to the URL, keeping its query string, encoded', () => {
    const url = new URL(validationUrl('https://crm.example/hooks?tenant=a', token));
    expect(url.searchParams.get('tenant')).toBe('a');
    expect(url.searchParams.get('validationToken')).toBe(token);
    expect(url.search).not.toContain(' ');
  });

  it('accepts 200 text/plain with the decoded token', () => {
    expect(judgeValidation(answered(200, 'text/plain; charset=utf-8', token), token)).toBeUndefined();
  });

  it.each([
    ['a wrong echo', answered(200, 'text/plain', encodeURIComponent(token)), 'exactly match'],
    ['a 202', answered(202, 'text/plain', token), '200 OK'],
    ['JSON', answered(200, 'application/json', JSON.stringify(token)), 'text/plain'],
    ['a timeout', { kind: 'timeout', durationMs: 10_000 } as const, 'timed out'],
    [
      'a refused connection',
      { kind: 'network', message: 'connect ECONNREFUSED', durationMs: 1 } as const,
      'ECONNREFUSED',
    ],
  ])('fails creation (400) on %s', (_label, outcome, text) => {
    const err = judgeValidation(outcome, token);
    expect(err?.status).toBe(400);
    expect(err?.message).toContain(text);
  });
});
