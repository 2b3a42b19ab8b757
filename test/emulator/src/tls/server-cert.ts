import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { generateRsaKeyPem, randomSerial, type DevCa } from './dev-ca';

export interface ServerCert {
  keyPem: string;
  certPem: string;
}

// The leaf key and cert are cached per process (per CA) to keep start fast.
let cachedKeyPem: string | undefined;
const certByCa = new Map<string, ServerCert>();

export function serverCertFor(ca: DevCa): ServerCert {
  const caKey = createHash('sha256').update(ca.certPem).digest('hex');
  const cached = certByCa.get(caKey);
  if (cached) return cached;
  cachedKeyPem ??= generateRsaKeyPem();
  const leafKey = forge.pki.privateKeyFromPem(cachedKeyPem);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caPrivate = forge.pki.privateKeyFromPem(ca.keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(leafKey.n, leafKey.e);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 300 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caPrivate, forge.md.sha256.create());
  const result = { keyPem: cachedKeyPem, certPem: forge.pki.certificateToPem(cert) };
  certByCa.set(caKey, result);
  return result;
}
