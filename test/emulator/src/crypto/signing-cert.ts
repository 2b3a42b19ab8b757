import { createHash, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { randomSerial } from '../tls/dev-ca';

/** A self-signed certificate for the token-signing key: Microsoft publishes each signing key with its x5c chain. */
export function selfSignedCertDer(privateKey: KeyObject): Buffer {
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: 'accounts.accesscontrol.windows.net' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(key, forge.md.sha256.create());
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

/** base64url SHA-1 of the certificate: Microsoft's `x5t`, which its v2 keys also use as `kid`. */
export const thumbprint = (der: Buffer): string => createHash('sha1').update(der).digest('base64url');
