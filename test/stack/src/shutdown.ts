/** Stop order: higher layers stop first (a command before the services it uses, services before the stores). */
export const Layer = { store: 0, emulator: 1, service: 2, command: 3, build: 100 } as const;

interface Entry {
  name: string;
  layer: number;
  stop: () => Promise<void>;
  /** Kills at once (SIGKILL), synchronously: what the exit hook does if we exit before stop() ran. */
  killNow?: () => void;
}

const entries = new Set<Entry>();

// The last resort when the process exits without stopping them (an uncaught error, process.exit from elsewhere).
process.once('exit', () => {
  for (const e of entries) e.killNow?.();
});

/** Signals a process group (our detached children lead their own); quiet when it is already gone. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Registers something to stop on shutdown; returns the function that unregisters it (once it stopped by itself). */
export function onShutdown(name: string, layer: number, stop: () => Promise<void>, killNow?: () => void): () => void {
  const entry: Entry = { name, layer, stop, killNow };
  entries.add(entry);
  return () => entries.delete(entry);
}

/** Stops everything registered: highest layer first, each layer at once; a stop that throws does not stop the rest. */
export async function stopAll(log: (msg: string) => void = () => undefined): Promise<void> {
  const layers = [...new Set([...entries].map((e) => e.layer))].sort((a, b) => b - a);
  for (const layer of layers) {
    const now = [...entries].filter((e) => e.layer === layer);
    await Promise.all(
      now.map(async (e) => {
        try {
          await e.stop();
        } catch (err) {
          log(`stopping ${e.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
        entries.delete(e);
      }),
    );
  }
}

/** What is registered and not stopped yet (tests, messages). */
export function registered(): string[] {
  return [...entries].map((e) => e.name);
}

let signalled: NodeJS.Signals | undefined;
let handlingSignals = false;

/**
 * True once stopOnSignals() runs (the stack CLI): children then get process groups of their own, since we stop them
 * in order. Elsewhere (jest's global setup) they share ours, so a terminal's Ctrl-C still reaches them.
 */
export const signalsHandled = (): boolean => handlingSignals;

/** The signal that started a shutdown, once one has: whatever stops from then on is that shutdown's doing. */
export const shutdownSignal = (): NodeJS.Signals | undefined => signalled;

export const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * From here on SIGINT, SIGTERM and SIGHUP stop everything registered (whatever is starting or running) and exit:
 * `exitCode(signal)` decides the status. A second signal exits at once (the exit hook kills the process groups).
 */
export function stopOnSignals(log: (msg: string) => void, exitCode: (signal: NodeJS.Signals) => number): void {
  handlingSignals = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (signalled) {
        log(`${signal} again: stopping at once`);
        process.exit(SIGNAL_EXIT[signal]);
      }
      signalled = signal;
      log(`${signal}: stopping everything started`);
      void stopAll(log).then(() => {
        log('stopped');
        process.exit(exitCode(signal));
      });
    });
  }
}
