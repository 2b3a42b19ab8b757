import { Writable } from 'node:stream';
import { createLogger } from './create-logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'debug', destination }) };
}

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl';
const secrets = [
  jwt,
  'rt-0.AAAA-refresh-token-value',
  'sup3r~client~secret',
  'M.C123_auth_code_value',
  'pkce-verifier-abcdef',
  'sess=cookie-value',
];

describe('logger redaction', () => {
  it('keeps no token, secret, authorization header, cookie or code in the output', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        accessToken: jwt,
        refresh_token: secrets[1],
        connection: { tokens: { refreshToken: secrets[1] }, refreshTokenEnc: 'v1.k1.xxx' },
        app: { clientSecret: secrets[2], clientId: 'public-client-id' },
        headers: { Authorization: `Bearer ${jwt}`, cookie: secrets[5] },
        url: `https://crm.example/callback?code=${secrets[3]}&state=abc`,
        form: `grant_type=authorization_code&code=${secrets[3]}&code_verifier=${secrets[4]}&client_secret=${secrets[2]}`,
        nested: [{ deep: { id_token: jwt } }],
      },
      `redirected to https://crm.example/cb?code=${secrets[3]}`,
    );
    const err = Object.assign(new Error(`token endpoint said no for Bearer ${jwt}`), { refreshToken: secrets[1] });
    logger.error({ err }, 'refresh failed');
    const out = lines.join('');
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).toContain('public-client-id');
    expect(out).toContain('state=abc');
    expect(out).toContain('[REDACTED]');
    expect(out).toContain('refresh failed');
  });

  it('keeps ordinary fields, including error codes', () => {
    const { lines, logger } = capture();
    logger.warn({ connectionId: 'c1', reason: { code: 'consent_required', aadsts: 65001 } }, 'needs reconnect');
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      service: 'test',
      level: 'warn',
      connectionId: 'c1',
      reason: { code: 'consent_required', aadsts: 65001 },
    });
  });
});

describe('logger caps', () => {
  it('caps long strings, long lists, wide objects and an error whose message is huge (logged once, not twice)', () => {
    const { lines, logger } = capture();
    const huge = 'x'.repeat(200 * 1024);
    const err = new Error(`bad value ${huge}`);
    logger.error(
      {
        err,
        body: {
          field: huge,
          list: Array.from({ length: 500 }, (_, i) => i),
          wide: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
        },
      },
      'unhandled error',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.length).toBeLessThan(12 * 1024);
    const parsed = JSON.parse(line);
    expect(parsed.body.field).toMatch(/more chars\]$/);
    expect(parsed.body.list).toHaveLength(51);
    expect(parsed.body.wide['[more keys]']).toBe(450);
    expect(parsed.err.stack).not.toContain('xxxxxxxxxx');
    expect(parsed.err.stack).toMatch(/^\s+at /);
  });
});
