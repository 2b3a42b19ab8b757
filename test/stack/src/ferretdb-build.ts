import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCommand } from './child';
import { ferretSourceDir, localDir } from './paths';
import { which } from './which';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const patchesDir = join(ferretSourceDir, 'patches');

/** Our patches to FerretDB (see test/stack/ferretdb/README.md), applied in name order. */
export function ferretDbPatches(): string[] {
  return existsSync(patchesDir)
    ? readdirSync(patchesDir)
        .filter((f) => f.endsWith('.patch'))
        .sort()
        .map((f) => join(patchesDir, f))
    : [];
}

/** The FerretDB version our helper's go.mod requires. */
export function ferretDbVersion(goMod: string): string {
  const m = new RegExp(`^\\s*(?:require\\s+)?${FERRETDB_MODULE.replace(/[./]/g, '\\$&')}\\s+(v\\S+)`, 'm').exec(goMod);
  if (!m) throw new Error(`test/stack/ferretdb/go.mod does not require ${FERRETDB_MODULE}`);
  return m[1]!;
}

function makeWritable(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    chmodSync(p, entry.isDirectory() ? 0o755 : 0o644);
    if (entry.isDirectory()) makeWritable(p);
  }
}

/** The binary the current sources build to (its name carries a hash of main.go, go.mod, go.sum and the patches). */
export function ferretDbBinaryPath(): string {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(ferretSourceDir, f)));
  for (const p of ferretDbPatches()) hash.update(readFileSync(p));
  return join(localDir, 'bin', `ferretdb-embedded-${hash.digest('hex').slice(0, 12)}`);
}

/** What a newcomer sees before the one long step of the first run. */
export function buildNotice(binary: string, goProxy: string): string {
  return (
    `building the FerretDB helper (first run only) -> ${binary}\n` +
    '  this usually takes 1-3 minutes on 2 cores (longer the first time Go downloads the modules); it needs the Go ' +
    `module proxy (GOPROXY=${goProxy}) unless the modules are already in the Go module cache`
  );
}

/**
 * Builds the embedded FerretDB helper once per source version and returns the binary's path. The FerretDB module is
 * copied out of the Go module cache into a scratch directory outside the repo, our patches are applied to the copy
 * with `git apply`, and the helper is built against it through a `replace`. Every step is a child process, so the
 * event loop (and any readiness timer) keeps running; progress goes to `log` every 15 s.
 */
export async function ensureFerretDbBinary(log: (msg: string) => void = () => undefined): Promise<string> {
  const binary = ferretDbBinaryPath();
  if (existsSync(binary)) return binary;
  const id = binary.slice(binary.lastIndexOf('-') + 1);
  const patches = ferretDbPatches();

  const go = which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new Error(
      'No MongoDB-compatible store: MONGO_URL does not answer, `mongod` is not on PATH, and Go is not installed to ' +
        'build the embedded FerretDB helper. Install Go 1.22+ (https://go.dev/dl), or install MongoDB 7, or run ' +
        '`docker compose up -d mongo redis` and set MONGO_URL=mongodb://127.0.0.1:27017.',
    );
  }
  mkdirSync(dirname(binary), { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  const goProxy =
    (await runCommand('go env', go, ['env', 'GOPROXY']).catch(() => '')).trim() || 'https://proxy.golang.org,direct';
  log(buildNotice(binary, goProxy));
  const started = Date.now();
  let step = 'downloading the FerretDB module';
  let packages = 0;
  const ticker = setInterval(
    () =>
      log(`  still building: ${step} (${Math.round((Date.now() - started) / 1000)} s, ${packages} packages compiled)`),
    15_000,
  );

  // Outside the repo, so `git apply` patches the copy as plain files and not paths of our own work tree.
  const work = join(tmpdir(), `outlook-connect-ferretdb-${id}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    for (const f of ['main.go', 'go.mod', 'go.sum']) cpSync(join(ferretSourceDir, f), join(work, f));
    if (patches.length) {
      const version = ferretDbVersion(readFileSync(join(work, 'go.mod'), 'utf8'));
      const info = JSON.parse(
        await runCommand('go mod download', go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${version}`], {
          cwd: work,
        }),
      ) as { Dir?: string; Error?: string };
      if (!info.Dir || !statSync(info.Dir).isDirectory())
        throw new Error(`go mod download ${FERRETDB_MODULE}@${version}: ${info.Error ?? 'no module directory'}`);
      const upstream = join(work, 'ferretdb-upstream');
      cpSync(info.Dir, upstream, { recursive: true });
      makeWritable(upstream); // the module cache is read-only
      for (const p of patches) {
        log(`  applying ${p.slice(ferretSourceDir.length + 1)}`);
        await runCommand('git apply', 'git', ['apply', '-p1', p], {
          cwd: upstream,
          env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(work) },
        });
      }
      await runCommand('go mod edit', go, ['mod', 'edit', `-replace=${FERRETDB_MODULE}=./ferretdb-upstream`], {
        cwd: work,
      });
    }
    step = 'compiling';
    // -v names each package as it is compiled: the count is the progress shown above.
    await runCommand('go build', go, ['build', '-v', '-o', tmp, '.'], {
      cwd: work,
      onStderrLine: (line) => {
        if (line.startsWith('go: downloading')) step = 'downloading modules through the Go module proxy';
        else {
          step = 'compiling';
          packages++;
        }
      },
    });
    renameSync(tmp, binary);
    log(`built the FerretDB helper in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    clearInterval(ticker);
    rmSync(work, { recursive: true, force: true });
    rmSync(tmp, { force: true });
  }
  return binary;
}
