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
      g[name] = (...args: unknown[]) => {
        const timer = original(...args);
        this.timers.add(timer);
        return timer;
      };
    }
  }

  override async teardown(): Promise<void> {
    // Closing sockets and servers finish on a later turn of the loop: give them a moment before counting.
    await new Promise<void>((resolve) => setTimeout(resolve, 200).unref());
    const left = [
      ...leftOpen(this.before, resourceCounts(process.getActiveResourcesInfo())),
      ...liveTimers([...this.timers]),
    ];
    this.timers.clear();
    if (left.length > 0) {
      process.stderr.write(`[open handles] ${this.testPath} left open: ${left.join(', ')}\n`);
    }
    await super.teardown();
  }
}
