import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { serviceNodeArgs, serviceNodeFlags } from './service-args';

const services = readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** The value V8 uses for a flag given several times: the last one. */
const lastValue = (flags: string[], name: string) =>
  flags
    .filter((f) => f.startsWith(`${name}=`))
    .map((f) => f.slice(name.length + 1))
    .pop();

const semiSpace = (queues: string | undefined) =>
  lastValue(serviceNodeFlags('workers', { WORKER_QUEUES: queues }), '--max-semi-space-size');

describe('serviceNodeArgs', () => {
  it('runs the main with tsx as a loader, after the flags of the service', () => {
    const env = { WORKER_QUEUES: 'token-refresh,maintenance' };
    const args = serviceNodeArgs('workers', env);
    expect(args.slice(-3)).toEqual(['--import', 'tsx', join(repoRoot, 'services', 'workers', 'src', 'main.ts')]);
    expect(args.slice(0, -3)).toEqual(serviceNodeFlags('workers', env));
  });

  it('gives no flags to a service without node-options', () => {
    expect(serviceNodeFlags('no-such-service')).toEqual([]);
  });

  it('gives a process the young generation of the most demanding queue it serves', () => {
    // Token refreshes and the sweeps wait on the store, Redis and Microsoft: a small young generation is enough.
    expect(semiSpace('token-refresh,maintenance')).toBe('8');
    expect(semiSpace('token-refresh,maintenance,app-recovery')).toBe('8');
    // Sends (and their attachments) and inbox pages allocate fast: a smaller one costs them CPU.
    expect(semiSpace('send')).toBe('16');
    expect(semiSpace('send,send-confirm')).toBe('16');
    expect(semiSpace('inbox-sync')).toBe('16');
    expect(semiSpace('token-refresh, send')).toBe('16');
    // Unset or empty: the process serves every queue.
    expect(semiSpace(undefined)).toBe('16');
    expect(semiSpace('')).toBe('16');
    // The settings every process shares come with each of them.
    for (const queues of ['token-refresh,maintenance', 'send', undefined])
      expect(lastValue(serviceNodeFlags('workers', { WORKER_QUEUES: queues }), '--heap-growing-percent')).toBe('40');
  });

  it('takes the queues from the environment it is given, not from its own', () => {
    const before = process.env.WORKER_QUEUES;
    process.env.WORKER_QUEUES = 'send';
    try {
      expect(lastValue(serviceNodeFlags('workers', { WORKER_QUEUES: 'maintenance' }), '--max-semi-space-size')).toBe(
        '8',
      );
      expect(lastValue(serviceNodeFlags('workers'), '--max-semi-space-size')).toBe('16');
    } finally {
      if (before === undefined) delete process.env.WORKER_QUEUES;
      else process.env.WORKER_QUEUES = before;
    }
  });

  it('is what the image runs (its CMD through sh, with a node that prints its arguments)', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    const cmd = /^CMD \["sh", "-c", "(.*)"\]$/m.exec(dockerfile)?.[1];
    expect(cmd).toBeDefined();
    for (const queues of ['token-refresh,maintenance', 'send', undefined]) {
      const run = spawnSync('sh', ['-c', `node() { printf '%s\\n' "$@"; }; ${cmd!.replace(/^exec /, '')}`], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, SERVICE: 'workers', ...(queues === undefined ? {} : { WORKER_QUEUES: queues }) },
      });
      expect(run.status).toBe(0);
      expect(run.stdout.split('\n').filter(Boolean)).toEqual([
        ...serviceNodeArgs('workers', { WORKER_QUEUES: queues }).slice(0, -1),
        'services/workers/src/main.ts',
      ]);
    }
  });

  it.each(services)("holds for %s only flags this node accepts (a bad one would stop the image's CMD)", (service) => {
    const queueFiles = readdirSync(join(repoRoot, 'services', service)).filter((f) => f.startsWith('node-options.'));
    for (const queues of [undefined, ...queueFiles.map((f) => f.slice('node-options.'.length))]) {
      const flags = serviceNodeFlags(service, { WORKER_QUEUES: queues });
      for (const flag of flags) expect(flag).toMatch(/^--[a-z0-9-]+(=\S+)?$/);
      const run = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
  });
});
