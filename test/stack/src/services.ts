import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type Started } from './child';
import { ensureFerretDbBinary } from './ferretdb-build';
import { localDir } from './paths';
import { freePort, pingMongo, pingRedis, waitFor } from './probe';
import { which } from './which';

export interface Endpoint {
  url: string;
  /** What provides it: the given URL, or a process we started. */
  source: string;
  started?: Started;
}

export interface ServiceOptions {
  /** Keep data across runs in this folder (sandbox); otherwise a fresh temp folder. */
  dataDir?: string;
  /** Listen on this port (a test restarting its own server where its clients expect it); otherwise a free one. */
  port?: number;
  log?: (msg: string) => void;
}

function dataFolder(opts: ServiceOptions, name: string): string {
  if (opts.dataDir) {
    const dir = join(opts.dataDir, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  return mkdtempSync(join(tmpdir(), `oc-${name}-`));
}

/**
 * Waits until `check` answers, failing at once (with the end of its output) if the process exits first. A process
 * that does not become ready is stopped: a failed start leaves nothing running.
 */
export async function waitUntilReady(
  started: Started,
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const exited = started.exited.then((how) => {
    throw new Error(
      `${what} exited before it was ready (${how}); its last output (${started.logFile}):\n${started.tail()}`,
    );
  });
  try {
    await Promise.race([waitFor(check, timeoutMs, what), exited]);
  } catch (err) {
    await started.stop();
    const tail = started.tail();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(
      message.includes('exited before') || !tail
        ? message
        : `${message}; its last output (${started.logFile}):\n${tail}`,
      { cause: err },
    );
  } finally {
    exited.catch(() => undefined);
  }
}

export async function ensureRedis(given: string | undefined, opts: ServiceOptions = {}): Promise<Endpoint> {
  const log = opts.log ?? (() => undefined);
  if (given) {
    if (await pingRedis(given)) return { url: given, source: 'REDIS_URL' };
    log(`REDIS_URL=${given} does not answer; starting a local redis-server instead`);
  }
  const server = which('redis-server');
  if (!server) {
    throw new Error(
      'No Redis: REDIS_URL is not set or does not answer, and `redis-server` is not on PATH. Install Redis 7 ' +
        '(apt-get install redis-server / brew install redis) or run `docker compose up -d redis` and set REDIS_URL=redis://127.0.0.1:6379.',
    );
  }
  const port = opts.port ?? (await freePort());
  const dir = dataFolder(opts, 'redis');
  const started = startProcess(
    'redis',
    server,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
    ],
    join(localDir, 'logs', 'redis.log'),
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitUntilReady(started, () => pingRedis(url), 10_000, `redis-server on port ${port}`);
  log(`started redis-server at ${url} (data ${dir})`);
  return { url, source: 'redis-server', started };
}

export async function ensureStore(given: string | undefined, opts: ServiceOptions = {}): Promise<Endpoint> {
  const log = opts.log ?? (() => undefined);
  if (given) {
    if (await pingMongo(given)) return { url: given, source: 'MONGO_URL' };
    log(`MONGO_URL does not answer; starting a local store instead`);
  }
  const dir = dataFolder(opts, 'store');
  const mongod = which('mongod');
  // Built before anything of the store starts, so no readiness timer runs during the build.
  const binary = mongod ?? (await ensureFerretDbBinary(log));
  const port = opts.port ?? (await freePort());
  const url = `mongodb://127.0.0.1:${port}`;
  const started = mongod
    ? startProcess(
        'mongod',
        binary,
        ['--dbpath', dir, '--port', String(port), '--bind_ip', '127.0.0.1'],
        join(localDir, 'logs', 'mongod.log'),
      )
    : startProcess(
        'ferretdb',
        binary,
        ['-listen', `127.0.0.1:${port}`, '-handler', 'sqlite', '-sqlite-url', `file:${dir}/`],
        join(localDir, 'logs', 'ferretdb.log'),
      );
  await waitUntilReady(started, () => pingMongo(url, 500), 30_000, `${started.name} on port ${port}`);
  log(`started ${started.name} at ${url} (data ${dir})`);
  return { url, source: started.name, started };
}
