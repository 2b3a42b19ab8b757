import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { devCaDir, repoRoot } from './paths';
import { probePort } from './ports';
import { freePort } from './probe';
import { findProcesses } from './proc-scan';

// `npm run check:first-run`: the newcomer's first ten minutes, as a check. A clean clone of the committed HEAD (no
// .local: nothing built, no keys), the README's first command, the printed URL answering 200, then SIGTERM to the
// npm process as a process manager sends it, and nothing of the clone left running and its ports free.
// FIRST_RUN_TIMEOUT_SEC (900), FIRST_RUN_REF (HEAD), FIRST_RUN_COLD_GO=1, FIRST_RUN_KEEP=1 (keep the clone).

const timeoutSec = Number(process.env.FIRST_RUN_TIMEOUT_SEC ?? 900);
const say = (msg: string) => process.stderr.write(`[first-run] ${msg}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function relay(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (d: Buffer) => {
      const lines = (partial + String(d)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        process.stderr.write(`  | ${line}\n`);
        onLine(line);
      }
    });
  }
}

function exitOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)),
  );
}

async function until<T>(what: string, deadline: number, poll: () => Promise<T | undefined>): Promise<T> {
  while (Date.now() < deadline) {
    const value = await poll();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out (${timeoutSec} s in all) waiting for ${what}`);
}

async function main(): Promise<boolean> {
  const t0 = Date.now();
  const deadline = t0 + timeoutSec * 1000;
  const ref = process.env.FIRST_RUN_REF ?? 'HEAD';
  const commit = execFileSync('git', ['rev-parse', ref], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'oc-first-run-'));
  const marker = `OC_FIRST_RUN_CHECK=${randomUUID()}`;
  const timings: string[] = [];
  let npm: ChildProcess | undefined;
  try {
    say(`cloning ${repoRoot} at ${commit.slice(0, 12)} into ${dir}`);
    execFileSync('git', ['clone', '--quiet', '--no-local', '--no-checkout', repoRoot, dir], { stdio: 'inherit' });
    execFileSync('git', ['checkout', '--quiet', '--detach', commit], { cwd: dir, stdio: 'inherit' });
    if (existsSync(join(dir, '.local')) || existsSync(join(dir, 'node_modules')))
      throw new Error('the clone is not clean');

    // Ports of their own, so a sandbox already running on this machine does not decide the result; everything else
    // as a newcomer has it: no REDIS_URL / MONGO_URL (the stack starts its own), no CA settings (but npm ci's, below).
    const ports: Record<string, number> = {};
    for (const v of ['SANDBOX_PORT', 'SANDBOX_DASHBOARD_PORT', 'EMULATOR_PORT', 'EMULATOR_HTTP_PORT'])
      ports[v] = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    };
    for (const k of Object.keys(env))
      if (/^(REDIS_URL|MONGO_URL|NODE_EXTRA_CA_CERTS|OC_|SANDBOX_DIR|npm_)/.test(k)) delete env[k];
    const [markName, markValue] = marker.split('=') as [string, string];
    env[markName] = markValue;
    // FIRST_RUN_COLD_GO=1: an empty Go build cache too, as on a machine that never built Go (the module cache stays).
    if (process.env.FIRST_RUN_COLD_GO === '1') env.GOCACHE = join(dir, '.go-build-cache');

    const tCi = Date.now();
    say('npm ci');
    // npm ci reaches the registry the way this machine does: a network whose TLS proxy needs a CA of its own keeps it
    // (NODE_EXTRA_CA_CERTS, unless it is our emulator's dev CA). npm start runs without it, as a newcomer's would.
    const machineCa = process.env.NODE_EXTRA_CA_CERTS;
    const ciEnv =
      machineCa && !resolve(machineCa).startsWith(resolve(devCaDir)) ? { ...env, NODE_EXTRA_CA_CERTS: machineCa } : env;
    const ci = spawn('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: ciEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ciOutput: string[] = [];
    relay(ci, (l) => ciOutput.push(l));
    const ciExit = await exitOf(ci);
    if (ciExit !== 'exit code 0') throw new Error(`npm ci failed (${ciExit})`);
    const engineWarnings = ciOutput.filter((l) => /EBADENGINE|Unsupported engine/.test(l));
    if (engineWarnings.length) throw new Error(`npm ci warned about engines:\n${engineWarnings.join('\n')}`);
    timings.push(`npm ci ${secs(Date.now() - tCi)}`);

    const tStart = Date.now();
    say('npm start');
    npm = spawn('npm', ['start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let url: string | undefined;
    relay(npm, (l) => {
      const m = /sandbox is running:\s+(http\S+)/.exec(l);
      if (m) url ??= m[1];
    });
    const npmExit = exitOf(npm);
    let exited: string | undefined;
    void npmExit.then((how) => (exited = how));
    const printed = await until('the printed URL', deadline, async () => {
      if (exited) throw new Error(`npm start ended before printing the URL (${exited})`);
      return url;
    });
    timings.push(`URL printed ${secs(Date.now() - tStart)}`);
    const tAnswer = Date.now();
    const status = await until(`${printed} to answer 200`, deadline, async () => {
      const res = await fetch(printed).catch(() => undefined);
      return res?.status === 200 ? 200 : undefined;
    });
    timings.push(`answered ${status} after ${secs(Date.now() - tAnswer)} more`);

    const tStop = Date.now();
    say(`SIGTERM to npm (pid ${npm.pid})`);
    npm.kill('SIGTERM');
    const how = await Promise.race([
      npmExit,
      new Promise<string>((r) => setTimeout(() => r('still running after 60 s'), 60_000)),
    ]);
    timings.push(`stopped (${how}) in ${secs(Date.now() - tStop)}`);
    await new Promise((r) => setTimeout(r, 1000));

    const left = findProcesses({ under: dir, marker });
    const busy: string[] = [];
    for (const [v, p] of Object.entries(ports)) if (await probePort(p)) busy.push(`${v}=${p}`);
    const problems = [
      ...(how === 'exit code 0' ? [] : [`npm start ended with ${how} after SIGTERM (want exit code 0)`]),
      ...left.map((p) => `left running: pid ${p.pid}: ${p.cmd}`),
      ...busy.map((b) => `port still in use: ${b}`),
    ];
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    const summary = `${timings.join('; ')}; total ${secs(Date.now() - t0)}`;
    if (problems.length) {
      for (const p of problems) say(p);
      process.stdout.write(`FAIL first run: ${summary}\n`);
      return false;
    }
    process.stdout.write(`PASS first run: ${summary}\n`);
    return true;
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
    if (npm && npm.exitCode === null) npm.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    for (const p of findProcesses({ under: dir, marker })) {
      say(`killing what the failed run left: pid ${p.pid}: ${p.cmd}`);
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    process.stdout.write(`FAIL first run: ${[...timings, `total ${secs(Date.now() - t0)}`].join('; ')}\n`);
    return false;
  } finally {
    if (process.env.FIRST_RUN_KEEP === '1') say(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    process.stderr.write(
      `first-run check failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
