import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

// How a service's process is started, the same way everywhere: the image's CMD (Dockerfile), the sandbox, the bench
// and the tests that spawn a service. `services/<name>/node-options` (optional) holds the node and V8 flags it runs
// with, whitespace-separated; then tsx as a loader (not its CLI wrapper, one process), then the service's main.

/** The flags of `services/<service>/node-options`, none when the file is absent. */
export function serviceNodeFlags(service: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(repoRoot, 'services', service, 'node-options'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text.split(/\s+/).filter(Boolean);
}

/** The arguments of `node` that run the service's main as the image does. */
export function serviceNodeArgs(service: string): string[] {
  return [...serviceNodeFlags(service), '--import', 'tsx', join(repoRoot, 'services', service, 'src', 'main.ts')];
}
