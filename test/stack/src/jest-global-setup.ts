import { ensureStack } from './stack';

// Lets `npx jest` work without the CLI: start what is missing, and hand the URLs to the test workers.
export default async function globalSetup(): Promise<void> {
  const stack = await ensureStack({ log: (m) => process.stderr.write(`[stack] ${m}\n`) });
  if (process.env.NODE_EXTRA_CA_CERTS !== stack.caPath) {
    // Node reads NODE_EXTRA_CA_CERTS only at process start, so it cannot be set from here for an in-band run.
    await stack.stop();
    throw new Error(
      'Integration tests need NODE_EXTRA_CA_CERTS set to the emulator CA before jest starts. Run them with ' +
        '`npm run test:integration -- <path>` (or `npm test`), which starts the stack and sets it.',
    );
  }
  Object.assign(process.env, stack.env);
  (globalThis as { __OC_STACK__?: typeof stack }).__OC_STACK__ = stack;
}
