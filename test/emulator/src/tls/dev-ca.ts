import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface DevCa {
  caPath: string;
  certPem: string;
  keyPem: string;
}

const CA_FILE = 'ca.pem';
const KEY_FILE = 'ca-key.pem';
const WAIT_MS = 15_000;

/** Generates an RSA 2048 key natively (fast) and returns it as PKCS#8 PEM. */
export function generateRsaKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString('hex');
}

function buildCaCert(keyPem: string): string {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600_000);
  const subject = [
    { name: 'commonName', value: 'outlook-connect dev CA' },
    { name: 'organizationName', value: 'outlook-connect emulator' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readExisting(dir: string): DevCa | undefined {
  const caPath = path.join(dir, CA_FILE);
  if (!fs.existsSync(caPath)) return undefined;
  return {
    caPath,
    certPem: fs.readFileSync(caPath, 'utf8'),
    keyPem: fs.readFileSync(path.join(dir, KEY_FILE), 'utf8'),
  };
}

/**
 * Creates the dev CA once and reuses it afterwards. Parallel workers may race: the key is claimed with an
 * exclusive hard link, and the certificate (written last, by the winner only) marks the pair as complete.
 */
export function ensureDevCa(dir: string): DevCa {
  const absDir = path.resolve(dir);
  const existing = readExisting(absDir);
  if (existing) return existing;
  fs.mkdirSync(absDir, { recursive: true });
  const keyPath = path.join(absDir, KEY_FILE);
  // A key without a certificate, long after any creator could still be writing it: left by a crashed run.
  if (fs.existsSync(keyPath) && Date.now() - fs.statSync(keyPath).mtimeMs > WAIT_MS)
    fs.rmSync(keyPath, { force: true });
  if (!fs.existsSync(keyPath)) claimAndWrite(absDir);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const ready = readExisting(absDir);
    if (ready) return ready;
    if (Date.now() > deadline)
      throw new Error(`dev CA in ${absDir} is incomplete (${KEY_FILE} without ${CA_FILE}); delete the folder`);
    sleepSync(50);
  }
}

/** Generates a key, claims it with an exclusive link; only the claimer writes the certificate. */
function claimAndWrite(absDir: string): void {
  const tmpTag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const keyPem = generateRsaKeyPem();
  const tmpKey = path.join(absDir, `.${KEY_FILE}.${tmpTag}`);
  fs.writeFileSync(tmpKey, keyPem, { mode: 0o600 });
  let claimed = false;
  try {
    fs.linkSync(tmpKey, path.join(absDir, KEY_FILE));
    claimed = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmpKey, { force: true });
  }
  if (claimed) {
    const tmpCert = path.join(absDir, `.${CA_FILE}.${tmpTag}`);
    fs.writeFileSync(tmpCert, buildCaCert(keyPem));
    fs.renameSync(tmpCert, path.join(absDir, CA_FILE));
  }
}
