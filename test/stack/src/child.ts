import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { tailOf } from './log-tail';
import { killGroup, Layer, onShutdown, signalsHandled } from './shutdown';

export interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited, with how. */
  exited: Promise<string>;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Stop order: higher layers stop first (services before the stores they use). */
  layer?: number;
}

/** Signals a child: its whole process group when it leads one. */
function signalOf(child: ChildProcess, detached: boolean): (signal: NodeJS.Signals) => void {
  return (signal) => {
    if (child.pid === undefined) return;
    if (detached) killGroup(child.pid, signal);
    else child.kill(signal);
  };
}

/** How long a stopped helper's output pipes may stay open after it exited before its log is closed anyway. */
const CLOSE_WAIT_MS = 2_000;

/**
 * Starts a long-running helper, output to a log file. Under the stack CLI it leads a process group of its own and
 * only we stop it (services before stores); stop() sends SIGTERM, then SIGKILL after 5 s.
 */
export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  logFile: string,
  opts: StartOptions = {},
): Started {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const detached = signalsHandled();
  const spawnOpts: SpawnOptions = {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
    env: opts.env ?? process.env,
    cwd: opts.cwd,
  };
  const child = spawn(cmd, args, spawnOpts);
  const signal = signalOf(child, detached);
  const recent: string[] = [];
  const keep = (d: Buffer) => {
    recent.push(String(d));
    if (recent.length > 200) recent.splice(0, recent.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Both pipes into one log, neither ending it: with the default, the first to end (stdout) ended the log and the
  // other's last lines crashed the stack CLI on SIGTERM (ERR_STREAM_WRITE_AFTER_END, a first-run check in CI).
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`could not start ${cmd}: ${err.message}`));
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  // 'close' comes once its output pipes are closed too (after 'exit'): all of it has reached the log.
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
        // Whatever the leader left behind in its group goes too.
        if (detached) signal('SIGKILL');
      }
      // A moment at most for its last output (a process it started may still hold the pipes when not in its group).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
      child.stdout?.unpipe(log);
      child.stderr?.unpipe(log);
      unregister();
      log.end();
    })();
    return stopping;
  };
  const unregister = onShutdown(name, opts.layer ?? Layer.store, stop, () => signal('SIGKILL'));
  void exited.then(() => {
    if (!stopping) unregister();
  });
  return { name, child, logFile, exited, tail: (lines = 20) => tailOf(recent.join(''), lines), stop };
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Each line the command writes to stderr (progress). */
  onStderrLine?: (line: string) => void;
}

/**
 * Runs a command to completion without blocking the event loop (readiness timers keep running), in a process group
 * that a shutdown (stopAll) ends too. Resolves with its stdout; rejects with the end of its stderr.
 */
export function runCommand(name: string, cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const detached = signalsHandled();
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached,
    });
    const signal = signalOf(child, detached);
    let out = '';
    let err = '';
    let partial = '';
    child.stdout?.on('data', (d: Buffer) => (out += String(d)));
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + String(d)).slice(-20_000);
      partial += String(d);
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) opts.onStderrLine?.(line);
    });
    const unregister = onShutdown(
      name,
      Layer.build,
      async () => {
        if (child.exitCode === null && child.signalCode === null) signal('SIGKILL');
      },
      () => signal('SIGKILL'),
    );
    child.once('error', (e) => {
      unregister();
      reject(new Error(`${name}: could not start ${cmd}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      unregister();
      if (code === 0) resolve(out);
      else
        reject(
          new Error(`${name} failed (${signal ? `killed by ${signal}` : `exit code ${code}`}):\n${tailOf(err, 30)}`),
        );
    });
  });
}
