import { ensureStack } from './stack';

// Lets `npx jest` work without the CLI: start what is missing, and hand the URLs to the test workers.
export default async function globalSetup(): Promise<void> {
  const stack = await ensureStack({ log: (m) => process.stderr.write(`[stack] ${m}\n`) });
  Object.assign(process.env, stack.env);
  (globalThis as { __OC_STACK__?: typeof stack }).__OC_STACK__ = stack;
}
