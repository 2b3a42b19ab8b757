import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureFerretDbBinary } from './ferretdb-build';
import { localDir } from './paths';
import { sandbox } from './sandbox';
import { ensureStack, type Stack } from './stack';

const log = (msg: string) => process.stderr.write(`[stack] ${msg}\n`);

async function withStack<T>(dataDir: string | undefined, fn: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await ensureStack({ log, dataDir });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    return await fn(stack);
  } finally {
    await stop();
  }
}

/** `run -- <cmd...>`: runs a command with REDIS_URL, MONGO_URL and NODE_EXTRA_CA_CERTS set; exits with its status. */
async function run(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('usage: stack run -- <command> [args...]');
  return withStack(undefined, (stack) => {
    log(`redis: ${stack.redis.url} (${stack.redis.source}); store: ${stack.store.url} (${stack.store.source})`);
    return new Promise<number>((resolve) => {
      const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...stack.env }, shell: false });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      child.on('error', (err) => {
        log(`could not start ${cmd}: ${err.message}`);
        resolve(127);
      });
    });
  });
}

/** `up`: starts the stack and keeps it running until Ctrl-C. */
async function up(): Promise<number> {
  return withStack(join(localDir, 'stack'), async (stack) => {
    process.stdout.write(
      `Stack is up (Ctrl-C stops it):\n  REDIS_URL=${stack.redis.url}\n  MONGO_URL=${stack.store.url}\n  NODE_EXTRA_CA_CERTS=${stack.caPath}\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    return 0;
  });
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'run':
      return run(rest[0] === '--' ? rest.slice(1) : rest);
    case 'up':
      return up();
    case 'build-ferretdb':
      process.stdout.write(`${ensureFerretDbBinary(log)}\n`);
      return 0;
    case 'sandbox':
      return sandbox(withStack);
    default:
      process.stderr.write('usage: stack <run -- cmd... | up | sandbox | build-ferretdb>\n');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
