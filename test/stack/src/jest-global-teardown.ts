import type { Stack } from './stack';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __OC_STACK__?: Stack }).__OC_STACK__?.stop();
}
