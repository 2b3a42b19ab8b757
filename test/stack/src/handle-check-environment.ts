import NodeEnvironment from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { leftOpen, liveTimers, resourceCounts, type TimerLike } from './open-resources';

// On 2 cores jest runs every file in its own process (in band), so a socket, server or timer one file leaves open
// keeps jest from exiting after the last file: CI then waits out its whole budget with every test green. This
// environment names the file that left something open, when it leaves it, so the leak is found where it is made.
export default class HandleCheckEnvironment extends NodeEnvironment {
  private readonly testPath: string;
  private before: Map<string, number> = new Map();
  private readonly timers = new Set<TimerLike>();

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.testPath = context.testPath;
  }

  override async setup(): Promise<void> {
    await super.setup();
    this.before = resourceCounts(process.getActiveResourcesInfo());
    // Node's 'Timeout' count mixes jest's own timers with the file's: the file's are recorded where it makes them.
    const g = this.global as unknown as Record<'setTimeout' | 'setInterval', (...a: unknown[]) => TimerLike>;
    for (const name of ['setTimeout', 'setInterval'] as const) {
      const original = g[name];
      const recording = (...args: unknown[]) => {
        const timer = original(...args);
        this.timers.add(timer);
        return timer;
      };
      // Keeps what setTimeout carries besides being callable (util.promisify.custom), so promisify still works.
      g[name] = Object.defineProperties(recording, Object.getOwnPropertyDescriptors(original));
    }
  }

  override async teardown(): Promise<void> {
    // Closing sockets and servers finish on later turns of the loop, and keep-alive sockets close on their own
    // timers: only what is still open 2 s after the file's last hook is named.
    let left = this.leftOpen();
    for (let waited = 0; left.length > 0 && waited < 2_000; waited += 100) {
      await new Promise<void>((resolve) => setTimeout(resolve, 100).unref());
      left = this.leftOpen();
    }
    if (left.length > 0) {
      process.stderr.write(`[open handles] ${this.testPath} left open: ${left.join(', ')}\n`);
    }
    this.timers.clear();
    await super.teardown();
  }

  private leftOpen(): string[] {
    return [
      ...leftOpen(this.before, resourceCounts(process.getActiveResourcesInfo())),
      ...liveTimers([...this.timers]),
    ];
  }
}
