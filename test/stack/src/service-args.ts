import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

// How a service's process is started, the same way everywhere: the image's CMD (Dockerfile), the sandbox, the bench
// and the tests that spawn a service. `services/node-flags.sh <service>` prints the node and V8 flags it runs with:
// `services/<name>/node-options` (optional) for every process, then `node-options.<queue>` for each queue the process
// serves (WORKER_QUEUES); then tsx as a loader (not its CLI wrapper, one process), then the service's main.

/** The environment the flags depend on: the child's own, so a process serving other queues gets their flags. */
export type ServiceEnv = Readonly<Record<string, string | undefined>>;

/** The node and V8 flags of one process of `service` started with `env` (none when the service has no node-options). */
export function serviceNodeFlags(service: string, env: ServiceEnv = process.env): string[] {
  const out = execFileSync('sh', [join(repoRoot, 'services', 'node-flags.sh'), service], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...(env.WORKER_QUEUES !== undefined ? { WORKER_QUEUES: env.WORKER_QUEUES } : {}) },
  });
  return out.split(/\s+/).filter(Boolean);
}

/** The arguments of `node` that run the service's main as the image does, for a process started with `env`. */
export function serviceNodeArgs(service: string, env: ServiceEnv = process.env): string[] {
  return [...serviceNodeFlags(service, env), '--import', 'tsx', join(repoRoot, 'services', service, 'src', 'main.ts')];
}
