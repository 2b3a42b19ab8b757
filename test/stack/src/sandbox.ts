import type { Stack } from './stack';

type WithStack = <T>(dataDir: string | undefined, fn: (stack: Stack) => Promise<T>) => Promise<T>;

/** Brings up the whole system in sandbox mode. Until the services exist it says so and exits non-zero. */
export async function sandbox(_withStack: WithStack): Promise<number> {
  process.stderr.write('The sandbox needs the auth-gateway and workers services, which are not built yet.\n');
  return 1;
}
