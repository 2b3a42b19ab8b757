import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureFerretDbBinary } from './ferretdb-build';
import { nodeVersionProblem } from './node-version';
import { localDir } from './paths';
import { sandbox } from './sandbox';
import { Layer, onShutdown, shutdownSignal, SIGNAL_EXIT, stopAll, stopOnSignals } from './shutdown';
import { ensureStack, type Stack } from './stack';

const log = (msg: string) => process.stderr.write(`[stack] ${msg}\n`);

/** Set once `up` or `sandbox` is serving: a signal then is the normal way to stop (exit 0), not an interruption. */
let serving = false;

async function withStack<T>(dataDir: string | undefined, fn: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await ensureStack({ log, dataDir });
  try {
    return await fn(stack);
  } finally {
    await stack.stop();
  }
}

/** `run -- <cmd...>`: runs a command with REDIS_URL, MONGO_URL and NODE_EXTRA_CA_CERTS set; exits with its status. */
async function run(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('usage: stack run -- <command> [args...]');
  return withStack(undefined, (stack) => {
    log(
      `redis: ${stack.redis.clusterNodes ? `cluster ${stack.redis.clusterNodes}` : stack.redis.url} (${stack.redis.source}); store: ${stack.store.url} (${stack.store.source})`,
    );
    return new Promise<number>((resolve) => {
      // Same process group as ours: a terminal's Ctrl-C reaches it directly; a SIGTERM sent to us is passed on below.
      const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...stack.env }, shell: false });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const unregister = onShutdown(cmd, Layer.command, async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      });
      child.on('exit', (code, signal) => {
        unregister();
        resolve(code ?? (signal ? 1 : 0));
      });
      child.on('error', (err) => {
        unregister();
        log(`could not start ${cmd}: ${err.message}`);
        resolve(127);
      });
    });
  });
}

/** `up`: starts the stack and keeps it running until Ctrl-C (or SIGTERM). */
async function up(): Promise<number> {
  return withStack(join(localDir, 'stack'), async (stack) => {
    process.stdout.write(
      `Stack is up (Ctrl-C stops it):\n  REDIS_URL=${stack.redis.url}\n${stack.redis.clusterNodes ? `  REDIS_CLUSTER_NODES=${stack.redis.clusterNodes}\n` : ''}  MONGO_URL=${stack.store.url}\n  NODE_EXTRA_CA_CERTS=${stack.caPath}\n`,
    );
    serving = true;
    // The signal handler stops the stack and exits; until then there is nothing to do.
    await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
    return 0;
  });
}

async function main(): Promise<number> {
  const problem = nodeVersionProblem(process.version, 24);
  if (problem) throw new Error(problem);
  // Installed before anything starts: a signal during a build or a start-up stops what is already running.
  stopOnSignals(log, (signal) => (serving ? 0 : (SIGNAL_EXIT[signal] ?? 1)));
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'run':
      return run(rest[0] === '--' ? rest.slice(1) : rest);
    case 'up':
      return up();
    case 'build-ferretdb':
      process.stdout.write(`${await ensureFerretDbBinary(log)}\n`);
      return 0;
    case 'sandbox':
      return sandbox(withStack, rest, () => (serving = true));
    default:
      process.stderr.write('usage: stack <run -- cmd... | up | sandbox [--reset] | build-ferretdb>\n');
      return 2;
  }
}

// Every way out stops what was started: a failure names its cause and leaves nothing running.
main().then(
  async (code) => {
    // During a signal's shutdown, what ends here ended because of it: the signal handler exits.
    if (shutdownSignal()) return;
    await stopAll(log);
    process.exit(code);
  },
  async (err: unknown) => {
    if (shutdownSignal()) return;
    log(err instanceof Error ? err.message : String(err));
    await stopAll(log);
    process.exit(1);
  },
);
