import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { findProcesses } from './proc-scan';

// The stack CLI's `run` and `up` under a process manager's SIGTERM: everything they started goes, whenever it comes.
jest.setTimeout(120_000);

function cli(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const marker = randomUUID();
  const env: NodeJS.ProcessEnv = { ...process.env, OC_CLI_TEST: marker };
  delete env.REDIS_URL; // its own redis-server and store, so there is something to stop
  delete env.MONGO_URL;
  Object.assign(env, extra);
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/stack/src/cli.ts'), ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  child.stderr.on('data', (d: Buffer) => (out += String(d)));
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? String(signal))),
  );
  const until = async (re: RegExp) => {
    const deadline = Date.now() + 60_000;
    while (!re.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never saw ${re}:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const left = async () => {
    await new Promise((r) => setTimeout(r, 500));
    return findProcesses({ marker: `OC_CLI_TEST=${marker}` }).map((p) => p.cmd);
  };
  return { child, exit, until, left, output: () => out };
}

describe('stack CLI signals', () => {
  it('run: SIGTERM stops the command, Redis and the store, and exits 143', async () => {
    const run = cli(['run', '--', 'sleep', '600']);
    await run.until(/redis: redis:\/\/127\.0\.0\.1:\d+ \(redis-server\); store: .* \((ferretdb|mongod)\)/);
    expect((await run.left()).some((c) => c.startsWith('sleep 600'))).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(143);
    expect(await run.left()).toEqual([]);
  });

  it('up: SIGTERM is the way to stop it: exit 0, nothing left', async () => {
    const up = cli(['up']);
    await up.until(/Stack is up/);
    expect((await up.left()).length).toBeGreaterThanOrEqual(2);
    up.child.kill('SIGTERM');
    expect(await up.exit).toBe(0);
    expect(await up.left()).toEqual([]);
  });

  it('a signal while the stack is still starting stops what already started', async () => {
    // A MONGO_URL that accepts and never answers holds the store back (its ping times out) while Redis is up.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as AddressInfo).port;
    try {
      const run = cli(['run', '--', 'sleep', '600'], {
        MONGO_URL: `mongodb://127.0.0.1:${port}/?serverSelectionTimeoutMS=5000`,
      });
      await run.until(/started redis-server/);
      expect(run.output()).not.toMatch(/started (ferretdb|mongod)/);
      run.child.kill('SIGINT');
      expect(await run.exit).toBe(130);
      expect(await run.left()).toEqual([]);
    } finally {
      silent.close();
    }
  });
});
