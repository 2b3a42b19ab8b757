import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { freePort } from './probe';
import { findProcesses } from './proc-scan';

// `npm start` as a newcomer runs it, as a child process: the way it fails, the banner's API example, SIGTERM.
jest.setTimeout(240_000);

interface Run {
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | string>;
  kill: (signal: NodeJS.Signals) => void;
  marker: string;
}

/** The sandbox with its own folder, ports and a marker in its environment (every child inherits it). */
async function startSandbox(
  dir: string,
  args: string[] = [],
  extra: NodeJS.ProcessEnv = {},
): Promise<Run & { ports: Record<string, number> }> {
  const ports: Record<string, number> = {};
  for (const v of ['SANDBOX_PORT', 'SANDBOX_DASHBOARD_PORT', 'EMULATOR_PORT', 'EMULATOR_HTTP_PORT'])
    ports[v] = await freePort();
  const marker = `OC_SANDBOX_TEST=${randomUUID()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SANDBOX_DIR: dir,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    ...extra,
  };
  env.OC_SANDBOX_TEST = marker.split('=')[1];
  // Its own Redis and store, as on a fresh machine: what it starts is what must be gone afterwards.
  delete env.REDIS_URL;
  delete env.MONGO_URL;
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'test/stack/src/cli.ts'), 'sandbox', ...args],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? String(signal))),
  );
  return { stdout: () => out, stderr: () => err, exit, kill: (s) => child.kill(s), marker, ports };
}

async function banner(run: Run, timeoutMs = 180_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void run.exit.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (run.stdout().includes('Ctrl-C stops everything')) return run.stdout();
    if (exited) throw new Error(`the sandbox exited before its banner:\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no banner within ${timeoutMs} ms:\n${run.stderr()}`);
}

/** What is left of a run: by its marker, after a moment for the last exits to land. */
async function leftOver(run: Run): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 500));
  return findProcesses({ marker: run.marker }).map((p) => `${p.pid} ${p.cmd}`);
}

describe('npm start (the sandbox)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oc-sandbox-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start on a port in use, naming EADDRINUSE, the port and SANDBOX_PORT, and leaves nothing running', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()));
    try {
      const run = await startSandbox(dir, [], { SANDBOX_PORT: String(port) });
      expect(await run.exit).not.toBe(0);
      expect(run.stderr()).toContain(
        `port ${port} (the auth-gateway and the sandbox page) is already in use (EADDRINUSE)`,
      );
      expect(run.stderr()).toContain(`SANDBOX_PORT=${port + 10} npm start`);
      expect(run.stdout()).not.toContain('sandbox is running');
      expect(await leftOver(run)).toEqual([]);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('stops what it already started (Redis, the store, the services) when a service fails, and shows its cause', async () => {
    const run = await startSandbox(dir, [], { LOG_LEVEL: 'loud' });
    expect(await run.exit).toBe(1);
    // The services refuse the variable by name; the stack had started Redis and the store by then.
    expect(run.stderr()).toMatch(/started redis-server/);
    expect(run.stderr()).toMatch(/could not start: .* exited \(exit code 1\)/);
    expect(run.stderr()).toContain('LOG_LEVEL');
    expect(await leftOver(run)).toEqual([]);
  });

  it('--reset starts clean; the banner key, admin token and curl lines work; the key survives a restart; SIGTERM leaves nothing', async () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'data', 'stale-file'), 'from an earlier run');
    const run = await startSandbox(dir, ['--reset']);
    const text = await banner(run);
    expect(existsSync(join(dir, 'data', 'stale-file'))).toBe(false);
    const publicUrl = `http://localhost:${run.ports.SANDBOX_PORT}`;
    const apiKey = /API key: (ock_\S+)/.exec(text)?.[1];
    expect(apiKey).toBeDefined();
    const auth = { authorization: `Bearer ${apiKey}` };

    // A connection to send from: the connect flow over the API, with the sandbox's auto-consenting user.
    const apps = (await (await fetch(`${publicUrl}/v1/oauth-apps`, { headers: auth })).json()) as {
      data: { id: string }[];
    };
    const start = await fetch(`${publicUrl}/v1/connect`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        appId: apps.data[0]!.id,
        scopePreset: 'send_only',
        returnUrl: `${publicUrl}/`,
        loginHint: 'megan@contoso.onmicrosoft.com',
      }),
    });
    expect(start.status).toBe(200);
    const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
    const consent = await fetch(authorizeUrl, { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    expect(callback.headers.get('location')).toContain('status=connected');

    // The banner's five lines, as printed, through a shell.
    const lines = text
      .split('\n')
      .filter((l) => /^ {4}(KEY=|CONN=|curl )/.test(l))
      .map((l) => l.trim());
    expect(lines).toHaveLength(5);
    const out = execFileSync('sh', ['-ec', lines.map((l, i) => (i === 0 || i === 2 ? l : `${l}; echo`)).join('\n')], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const [list, send, workspace] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect((list!.data as unknown[]).length).toBe(1);
    expect(send).toMatchObject({ created: true, idempotencyKey: 'hello-1', source: 'other' });
    expect(workspace!.apiKey).toMatch(/^ock_/);

    run.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(await leftOver(run)).toEqual([]);

    // Without --reset the same key and token come back, and the store kept the connection.
    const again = await startSandbox(dir);
    const text2 = await banner(again);
    expect(/API key: (ock_\S+)/.exec(text2)?.[1]).toBe(apiKey);
    expect(/ADMIN_TOKEN \(creates workspaces\): (\S+)/.exec(text2)?.[1]).toBe(
      /ADMIN_TOKEN \(creates workspaces\): (\S+)/.exec(text)?.[1],
    );
    const later = `http://localhost:${again.ports.SANDBOX_PORT}`;
    const listed = (await (await fetch(`${later}/v1/connections`, { headers: auth })).json()) as { data: unknown[] };
    expect(listed.data).toHaveLength(1);
    again.kill('SIGINT');
    expect(await again.exit).toBe(0);
    expect(await leftOver(again)).toEqual([]);
  });
});
