import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { selfSignedCertDer, thumbprint } from './signing-cert';

export type JwtClaims = Record<string, unknown>;

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER of the key's self-signed certificate (published as `x5c`). */
  certDer: Buffer;
}

let cachedKey: SigningKey | undefined;

/** RS256 signing key, generated once per process (key generation is the slow part of start). */
export function signingKey(): SigningKey {
  if (!cachedKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const certDer = selfSignedCertDer(privateKey);
    cachedKey = { kid: thumbprint(certDer), privateKey, publicKey, certDer };
  }
  return cachedKey;
}

const b64json = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(claims: JwtClaims, key: SigningKey): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: key.kid };
  const input = `${b64json(header)}.${b64json(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

export function decodeJwt(token: string): { header: JwtClaims; claims: JwtClaims } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as unknown;
    const claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(claims)) return undefined;
    return { header, claims };
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is JwtClaims => typeof v === 'object' && v !== null && !Array.isArray(v);

export type JwtCheck =
  { ok: true; claims: JwtClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'not_yet_valid' };

/** Verifies signature (RS256 with `key`) and exp/nbf against `nowSec`. */
export function verifyJwt(token: string, key: SigningKey, nowSec: number): JwtCheck {
  const decoded = decodeJwt(token);
  if (!decoded || decoded.header.alg !== 'RS256') return { ok: false, reason: 'malformed' };
  const lastDot = token.lastIndexOf('.');
  const valid = createVerify('RSA-SHA256')
    .update(token.slice(0, lastDot))
    .verify(key.publicKey, Buffer.from(token.slice(lastDot + 1), 'base64url'));
  if (!valid || decoded.header.kid !== key.kid) return { ok: false, reason: 'signature' };
  const { exp, nbf } = decoded.claims;
  if (typeof exp === 'number' && nowSec >= exp) return { ok: false, reason: 'expired' };
  if (typeof nbf === 'number' && nowSec + 300 < nbf) return { ok: false, reason: 'not_yet_valid' };
  return { ok: true, claims: decoded.claims };
}

/**
 * Public part of the key as a JWKS document (what /discovery/v2.0/keys serves): like Microsoft's, each key carries its
 * certificate chain (`x5c`, standard base64 DER) and the issuer it signs for (`{tenantid}` on the common endpoints).
 */
export function jwks(key: SigningKey, issuer: string): { keys: JwtClaims[] } {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return {
    keys: [
      {
        kty: 'RSA',
        use: 'sig',
        kid: key.kid,
        x5t: key.kid,
        n: jwk.n,
        e: jwk.e,
        x5c: [key.certDer.toString('base64')],
        issuer,
      },
    ],
  };
}
