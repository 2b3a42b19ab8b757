import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ferretSourceDir, localDir } from './paths';
import { which } from './which';

/** Builds the embedded FerretDB helper once per source version and returns the binary's path. */
export function ensureFerretDbBinary(log: (msg: string) => void = () => undefined): string {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(ferretSourceDir, f)));
  const binDir = join(localDir, 'bin');
  const binary = join(binDir, `ferretdb-embedded-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) return binary;

  const go = which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new Error(
      'No MongoDB-compatible store: MONGO_URL does not answer, `mongod` is not on PATH, and Go is not installed to ' +
        'build the embedded FerretDB helper. Install Go 1.22+ (https://go.dev/dl), or install MongoDB 7, or run ' +
        '`docker compose up -d mongo redis` and set MONGO_URL=mongodb://127.0.0.1:27017.',
    );
  }
  mkdirSync(binDir, { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  log(`building the FerretDB helper (first run only) -> ${binary}`);
  execFileSync(go, ['build', '-o', tmp, '.'], { cwd: ferretSourceDir, stdio: ['ignore', 'inherit', 'inherit'] });
  renameSync(tmp, binary);
  return binary;
}
