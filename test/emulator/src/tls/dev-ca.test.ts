import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ensureDevCa } from './dev-ca';
import { serverCertFor } from './server-cert';

describe('dev CA', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-ca-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created once and reused, key private', () => {
    const first = ensureDevCa(dir);
    const second = ensureDevCa(dir);
    expect(second).toEqual(first);
    expect(first.caPath).toBe(path.join(dir, 'ca.pem'));
    expect(fs.statSync(path.join(dir, 'ca-key.pem')).mode & 0o077).toBe(0);
    const ca = new X509Certificate(first.certPem);
    expect(ca.ca).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['ca-key.pem', 'ca.pem']);
  });

  it('signs a localhost server certificate (SAN localhost, 127.0.0.1, ::1) that chains to it', () => {
    const ca = ensureDevCa(dir);
    const leaf = new X509Certificate(serverCertFor(ca).certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(serverCertFor(ca)).toBe(serverCertFor(ca)); // cached per process
  });

  it("a worker that loses the race waits for the winner's certificate instead of writing its own", () => {
    const winner = ensureDevCa(path.join(dir, 'winner'));
    const raceDir = path.join(dir, 'race');
    fs.mkdirSync(raceDir);
    fs.writeFileSync(path.join(raceDir, 'ca-key.pem'), winner.keyPem); // the winner has claimed the key...
    // ...and writes its certificate a moment later, from another thread.
    new Worker(
      `setTimeout(() => require('fs').writeFileSync(${JSON.stringify(path.join(raceDir, 'ca.pem'))}, ${JSON.stringify(winner.certPem)}), 200)`,
      { eval: true },
    );
    const loser = ensureDevCa(raceDir);
    expect(loser.certPem).toBe(winner.certPem);
    expect(loser.keyPem).toBe(winner.keyPem);
    expect(fs.readdirSync(raceDir).sort()).toEqual(['ca-key.pem', 'ca.pem']);
  });
});
