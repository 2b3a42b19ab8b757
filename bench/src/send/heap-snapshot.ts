import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../lib/progress';

// The live JS heap of a child process, from a heap snapshot it writes on SIGUSR2 (started with
// `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>`). Writing a snapshot runs a full GC first, so its total is
// what is still reachable: RSS alone cannot tell a leak from a heap V8 has not collected yet.

/** The node flags that make a child write a snapshot into `dir` on SIGUSR2. */
export const heapSnapshotFlags = (dir: string): string => `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[] } };
  nodes: number[];
}

/** Sum of every node's self size in a parsed heap snapshot, bytes. */
export function liveHeapBytes(snapshot: SnapshotJson): number {
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const self = fields.indexOf('self_size');
  if (width === 0 || self < 0) throw new Error('heap snapshot without node_fields.self_size');
  let total = 0;
  for (let i = self; i < snapshot.nodes.length; i += width) total += snapshot.nodes[i]!;
  return total;
}

const snapshotsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));

/**
 * Signals `pid`, waits for the new snapshot file to be complete (it parses), returns its live heap in bytes.
 * Null when no complete snapshot came within `timeoutMs`.
 */
export async function takeLiveHeap(pid: number, dir: string, timeoutMs = 60_000): Promise<number | null> {
  const before = new Set(snapshotsIn(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await sleep(500);
    const file = snapshotsIn(dir).find((f) => !before.has(f));
    if (!file) continue;
    const path = join(dir, file);
    const size = statSync(path).size;
    if (size === 0 || size !== lastSize) {
      lastSize = size;
      continue;
    }
    try {
      return liveHeapBytes(JSON.parse(readFileSync(path, 'utf8')) as SnapshotJson);
    } catch {
      // Still being written: the size settled between two chunks.
    }
  }
  return null;
}
