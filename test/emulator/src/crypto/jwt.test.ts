import { createPublicKey, createVerify, X509Certificate } from 'node:crypto';
import { decodeJwt, jwks, signingKey, signJwt, verifyJwt } from './jwt';

describe('jwt', () => {
  const key = signingKey();

  it('signs RS256 tokens that verify with the published JWKS key', () => {
    const token = signJwt({ oid: 'u1', exp: 2000 }, key);
    const [h, p, s] = token.split('.');
    const jwk = jwks(key, 'https://login.test/{tenantid}/v2.0').keys[0];
    const pub = createPublicKey({ key: { kty: 'RSA', n: String(jwk?.n), e: String(jwk?.e) }, format: 'jwk' });
    expect(
      createVerify('RSA-SHA256')
        .update(`${h}.${p}`)
        .verify(pub, Buffer.from(String(s), 'base64url')),
    ).toBe(true);
    expect(decodeJwt(token)?.header).toEqual({ typ: 'JWT', alg: 'RS256', kid: key.kid });
    expect(jwk?.kid).toBe(key.kid);
  });

  it('publishes the key with its certificate (x5c), thumbprint (x5t = kid) and issuer, as Microsoft does', () => {
    const jwk = jwks(key, 'https://login.test/{tenantid}/v2.0').keys[0]!;
    const cert = new X509Certificate(Buffer.from(String((jwk.x5c as string[])[0]), 'base64'));
    expect(cert.publicKey.export({ format: 'jwk' })).toMatchObject({ n: jwk.n, e: jwk.e });
    expect(Buffer.from(cert.fingerprint.replace(/:/g, ''), 'hex').toString('base64url')).toBe(jwk.x5t);
    expect(jwk.kid).toBe(jwk.x5t);
    expect(jwk.issuer).toBe('https://login.test/{tenantid}/v2.0');
  });

  it('checks expiry against the given clock', () => {
    const token = signJwt({ oid: 'u1', exp: 2000 }, key);
    expect(verifyJwt(token, key, 1999)).toEqual({ ok: true, claims: { oid: 'u1', exp: 2000 } });
    expect(verifyJwt(token, key, 2000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects tampered and malformed tokens', () => {
    const token = signJwt({ scp: 'Mail.Read', exp: 2000 }, key);
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ scp: 'Mail.Send', exp: 2000 })).toString('base64url')}.${s}`;
    expect(verifyJwt(forged, key, 1)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyJwt('not-a-jwt', key, 1)).toEqual({ ok: false, reason: 'malformed' });
    expect(decodeJwt('a.b')).toBeUndefined();
  });
});
