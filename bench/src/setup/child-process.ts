import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { repoRoot, serviceNodeArgs } from '@outlook-connect/stack';
import type { RssSampler } from '../lib/rss-sampler';
import { monitorPreload, storeOpsFile } from '../store/store-ops';

// Worker processes of the bench: the workers' real main (like production) and the bench's bare baselines.

export const workersMain = join(repoRoot, 'services', 'workers', 'src', 'main.ts');

/**
 * A service's main runs with the node flags of the queues it serves, as the image starts it (services/node-flags.sh);
 * a bench script as is.
 */
function nodeArgsFor(script: string, env: Record<string, string | undefined>): string[] {
  const service = /[/\\]services[/\\]([^/\\]+)[/\\]src[/\\]main\.ts$/.exec(script)?.[1];
  return service && script === join(repoRoot, 'services', service, 'src', 'main.ts')
    ? serviceNodeArgs(service, env)
    : ['--import', 'tsx', script];
}

/** BENCH_COUNT_STORE_OPS=1: a worker prints its store round trips by operation and filter when it stops. */
export const countStoreOps = (): Record<string, string> =>
  process.env.BENCH_COUNT_STORE_OPS === '1'
    ? {
        NODE_OPTIONS:
          `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, '..', 'lib', 'store-op-counter.cjs')}`.trim(),
      }
    : {};

/** The signal that makes a child's store-op counts start again (sent once its warm-up is done; inbox-phase.ts). */
export const STORE_OPS_RESET_SIGNAL = 'SIGUSR2';

/** A child that clears its store-op counts on STORE_OPS_RESET_SIGNAL (command-monitor.cjs, store-op-counter.cjs). */
export const resetStoreOpsOnSignal = (): Record<string, string> => ({
  BENCH_STORE_OPS_RESET_SIGNAL: STORE_OPS_RESET_SIGNAL,
});

/**
 * BENCH_INBOX_CPU_PROF_DIR=<dir>: a worker writes a V8 CPU profile there when it stops (where its time goes). Merges
 * with the other NODE_OPTIONS of `env` (countStoreOps).
 */
export function withCpuProfile(env: Record<string, string>, dir: string | undefined): Record<string, string> {
  if (!dir) return env;
  const base = env.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '';
  return { ...env, NODE_OPTIONS: `${base} --cpu-prof --cpu-prof-dir=${dir}`.trim() };
}

export interface Spawned {
  name: string;
  child: ChildProcess;
  /** SIGTERM (current jobs finish), SIGKILL after 15 s; resolves when it exited. */
  stop(): Promise<void>;
}

/** Every child counts its store commands (bench/src/store/command-monitor.cjs) into a file named after it. */
function withStoreMonitor(name: string, env: Record<string, string>): Record<string, string | undefined> {
  const file = storeOpsFile(name);
  rmSync(file, { force: true });
  const nodeOptions = env.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '';
  return {
    ...process.env,
    ...env,
    BENCH_STORE_OPS_FILE: file,
    NODE_OPTIONS: `${nodeOptions} --require ${monitorPreload}`.trim(),
  };
}

export function spawnTs(name: string, script: string, env: Record<string, string>, rss: RssSampler): Spawned {
  const childEnv = withStoreMonitor(name, env);
  const child = spawn(process.execPath, nodeArgsFor(script, childEnv), {
    env: childEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  rss.watch(name, child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      rss.sampleAll();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a script to its end in a process of its own and returns what it printed on stdout. */
export function runTs(
  name: string,
  script: string,
  env: Record<string, string>,
  rss: RssSampler,
  timeoutMs: number,
): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  rss.watch(name, child);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    rss.sampleAll();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${name} exited with ${code ?? signal}`));
    });
  });
}
